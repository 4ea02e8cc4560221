"""Import a spreadsheet (all rows or none), download the import template, export the list.

Imports and exports go through library.actions: an import may only touch outcomes of
organizations the person manages; an export holds only what the person may see, and is audited."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from medbridge.api.deps import Auth
from medbridge.errors import NotFound
from medbridge.library import actions
from medbridge.accounts.policy import manages_any, require_some_office
from medbridge.web.common import (FormDep, PageAuthDep, SessionDep, client_address, current_lang, outcome_filters,
                                  page_router, redirect, render)
from medbridge.web.i18n import translate

router = page_router()

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _format(fmt: str) -> str:
    if fmt not in MEDIA_TYPES:
        raise NotFound(f"no such format {fmt} / 不支持的格式")
    return fmt


def _download(content: bytes, fmt: str, filename: str) -> Response:
    return Response(content, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


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
    report = None
    if request.query_params.get("notice") == "imported":
        report = {name: request.query_params.get(name, "") for name in ("total", "created", "updated")}
        report = {name: value if value.isdigit() else "?" for name, value in report.items()}
    return render(request, "import.html", {"done": report, "errors": {}})


@router.post("/import")
def import_upload(request: Request, form: FormData = FormDep, session: Session = SessionDep,
                  auth: Auth = PageAuthDep):
    require_some_office(auth.viewer)
    lang = current_lang(request)
    upload = form.get("file")
    dry_run = bool(form.get("dry_run"))
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, form, errors={"file": translate("file_missing", lang)}, status=422)
    settings = request.app.state.settings
    limit = settings.max_upload_bytes
    content = upload.file.read(limit + 1)  # one byte more than allowed tells "too large" without reading it all
    if len(content) > limit:
        message = translate("file_too_large", lang, mb=f"{limit / (1024 * 1024):g}")
        return _page(request, form, too_large=message, status=413)

    report = actions.import_sheet(session, auth.viewer, upload.filename, content, dry_run=dry_run,
                                  max_bytes=limit, max_rows=settings.max_import_rows)
    if not report.ok or report.dry_run:
        session.rollback()  # belt and braces: a refused or trial import leaves nothing behind
        return _page(request, form, report=report, status=200 if report.ok else 422)
    return redirect("/import", notice="imported", total=report.total_rows, created=report.created,
                    updated=report.updated)


def _page(request: Request, form: FormData, status: int, errors: dict | None = None, report=None,
          too_large: str = ""):
    return render(request, "import.html", {
        "posted": form, "errors": errors or {}, "report": report, "too_large": too_large,
        "dry_run": bool(form.get("dry_run")),
    }, status_code=status)
