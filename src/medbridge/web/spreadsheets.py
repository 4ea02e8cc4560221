"""Import a spreadsheet (all rows or none), download the import template, export the list:
for outcomes (/import, /import/template.{fmt}, /export.{fmt}) and for needs (/needs/import,
/needs/import/template.{fmt}, /needs/export.{fmt}). One page (import.html) and one upload
handler serve both; only the checked import, the links and the words differ.

Outcome imports and exports go through library.actions: an import may only touch outcomes of
organizations the person manages; an export holds only what the person may see. Need imports
and exports go through needs.actions: importing is for people who may post needs, each row only
for an organization they speak for; needs are public to read. Every export is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from medbridge.api.deps import Auth
from medbridge.errors import NotFound
from medbridge.library import actions
from medbridge.library.spreadsheet import ImportReport
from medbridge.accounts.policy import require_some_office
from medbridge.needs import actions as need_actions
from medbridge.web.common import (FormDep, PageAuthDep, SessionDep, client_address, current_lang, outcome_filters,
                                  page_router, redirect, render)
from medbridge.web.i18n import translate
from medbridge.web.matching import need_filters

router = page_router()

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class ImportPage:
    """What differs between the outcome and the need import pages (all i18n keys or paths)."""

    action: str        # where the form posts, and where a finished import comes back to
    template: str      # template downloads: {template}.xlsx, {template}.csv
    browse: str        # the list the imported rows land in
    title: str
    explain: str
    browse_label: str


OUTCOME_IMPORT = ImportPage("/import", "/import/template", "/outcomes", "import_title", "import_explain",
                            "browse_all")
NEED_IMPORT = ImportPage("/needs/import", "/needs/import/template", "/needs", "needs_import_title",
                         "needs_import_explain", "needs_browse_all")

# An import as the page runs it: (filename, content, dry_run, max_bytes, max_rows) -> report.
Importer = Callable[[str, bytes, bool, int, int], ImportReport]


def _format(fmt: str) -> str:
    if fmt not in MEDIA_TYPES:
        raise NotFound(f"no such format {fmt} / 不支持的格式")
    return fmt


def _download(content: bytes, fmt: str, filename: str) -> Response:
    return Response(content, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- outcomes -----------------------------------------------------------------------------

@router.get("/export.{fmt}")
def export_outcomes(request: Request, fmt: str, session: Session = SessionDep, auth: Auth = PageAuthDep):
    """The list as filtered on the page (pagination ignored), in the page's language."""
    fmt = _format(fmt)
    filters = outcome_filters(request.query_params)
    content = actions.export(session, auth.viewer, filters, fmt, lang=current_lang(request),
                             client=client_address(request))
    return _download(content, fmt, f"outcomes.{fmt}")


@router.get("/import/template.{fmt}")
def import_template(request: Request, fmt: str):
    fmt = _format(fmt)
    from medbridge.library.spreadsheet import template

    return _download(template(fmt, lang=current_lang(request)), fmt, f"outcomes-template.{fmt}")


@router.get("/import")
def import_form(request: Request, auth: Auth = PageAuthDep):
    require_some_office(auth.viewer)
    return _form(request, OUTCOME_IMPORT)


@router.post("/import")
def import_upload(request: Request, form: FormData = FormDep, session: Session = SessionDep,
                  auth: Auth = PageAuthDep):
    require_some_office(auth.viewer)

    def run(filename, content, dry_run, max_bytes, max_rows):
        return actions.import_sheet(session, auth.viewer, filename, content, dry_run=dry_run,
                                    max_bytes=max_bytes, max_rows=max_rows)
    return _upload(request, form, session, OUTCOME_IMPORT, run)


# --- needs --------------------------------------------------------------------------------

@router.get("/needs/export.{fmt}")
def export_needs(request: Request, fmt: str, session: Session = SessionDep, auth: Auth = PageAuthDep):
    """The needs list as filtered on the page (pagination ignored), in the page's language."""
    fmt = _format(fmt)
    content = need_actions.export(session, auth.viewer, need_filters(request.query_params), fmt,
                                  lang=current_lang(request), client=client_address(request))
    return _download(content, fmt, f"needs.{fmt}")


@router.get("/needs/import/template.{fmt}")
def need_import_template(request: Request, fmt: str):
    fmt = _format(fmt)
    from medbridge.needs.spreadsheet import template

    return _download(template(fmt, lang=current_lang(request)), fmt, f"needs-template.{fmt}")


@router.get("/needs/import")
def need_import_form(request: Request, auth: Auth = PageAuthDep):
    need_actions.require_may_import(auth.viewer)
    return _form(request, NEED_IMPORT)


@router.post("/needs/import")
def need_import_upload(request: Request, form: FormData = FormDep, session: Session = SessionDep,
                       auth: Auth = PageAuthDep):
    need_actions.require_may_import(auth.viewer)

    def run(filename, content, dry_run, max_bytes, max_rows):
        return need_actions.import_sheet(session, auth.viewer, filename, content, dry_run, max_bytes=max_bytes,
                                         max_rows=max_rows)
    return _upload(request, form, session, NEED_IMPORT, run)


# --- the page both share ------------------------------------------------------------------

def _form(request: Request, importer: ImportPage):
    """The empty form, or the confirmation a finished import redirected to (?notice=imported)."""
    done = None
    if request.query_params.get("notice") == "imported":
        done = {name: request.query_params.get(name, "") for name in ("total", "created", "updated")}
        done = {name: value if value.isdigit() else "?" for name, value in done.items()}
    return render(request, "import.html", {"importer": importer, "done": done, "errors": {}})


def _upload(request: Request, form: FormData, session: Session, importer: ImportPage, run: Importer):
    """Read the uploaded file (refusing a missing or too-large one), run the checked import, and
    show its row-level report, or go back to the form with the counts once it is written."""
    lang = current_lang(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, importer, form, errors={"file": translate("file_missing", lang)}, status=422)
    settings = request.app.state.settings
    limit = settings.max_upload_bytes
    content = upload.file.read(limit + 1)  # one byte more than allowed tells "too large" without reading it all
    if len(content) > limit:
        message = translate("file_too_large", lang, mb=f"{limit / (1024 * 1024):g}")
        return _page(request, importer, form, too_large=message, status=413)

    report = run(upload.filename, content, bool(form.get("dry_run")), limit, settings.max_import_rows)
    if not report.ok or report.dry_run:
        session.rollback()  # belt and braces: a refused or trial import leaves nothing behind
        return _page(request, importer, form, report=report, status=200 if report.ok else 422)
    return redirect(importer.action, notice="imported", total=report.total_rows, created=report.created,
                    updated=report.updated)


def _page(request: Request, importer: ImportPage, form: FormData, status: int, errors: dict | None = None,
          report=None, too_large: str = ""):
    return render(request, "import.html", {
        "importer": importer, "posted": form, "errors": errors or {}, "report": report, "too_large": too_large,
        "dry_run": bool(form.get("dry_run")),
    }, status_code=status)
