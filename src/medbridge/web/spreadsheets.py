"""Import a spreadsheet (all rows or none), download the import template, export the list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from medbridge.errors import NotFound
from medbridge.web.common import (FormDep, PageRoute, SessionDep, author_and_reason, current_lang,
                                  outcome_filters, redirect, remember_author, render)
from medbridge.web.i18n import translate

router = APIRouter(route_class=PageRoute, include_in_schema=False)

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
def export_outcomes(request: Request, fmt: str, session: Session = SessionDep):
    """The list as filtered on the page (pagination ignored), in the page's language."""
    fmt = _format(fmt)
    from medbridge.library.spreadsheet import export_outcomes as export

    filters = outcome_filters(request.query_params)
    return _download(export(session, filters, fmt, lang=current_lang(request)), fmt, f"outcomes.{fmt}")


@router.get("/import/template.{fmt}")
def import_template(request: Request, fmt: str):
    fmt = _format(fmt)
    from medbridge.library.spreadsheet import template

    return _download(template(fmt, lang=current_lang(request)), fmt, f"outcomes-template.{fmt}")


@router.get("/import")
def import_form(request: Request):
    report = None
    if request.query_params.get("notice") == "imported":
        report = {name: request.query_params.get(name, "") for name in ("total", "created", "updated")}
        report = {name: value if value.isdigit() else "?" for name, value in report.items()}
    return render(request, "import.html", {"done": report, "errors": {}})


@router.post("/import")
def import_upload(request: Request, form: FormData = FormDep, session: Session = SessionDep):
    lang = current_lang(request)
    author, _, errors = author_and_reason(form, lang)
    upload = form.get("file")
    dry_run = bool(form.get("dry_run"))
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["file"] = translate("file_missing", lang)
    if errors:
        return _page(request, form, errors=errors, status=422)
    limit = request.app.state.settings.max_upload_bytes
    content = upload.file.read(limit + 1)  # one byte more than allowed tells "too large" without reading it all
    if len(content) > limit:
        message = translate("file_too_large", lang, mb=f"{limit / (1024 * 1024):g}")
        return _page(request, form, too_large=message, status=413)

    from medbridge.library.spreadsheet import import_outcomes

    settings = request.app.state.settings
    report = import_outcomes(session, upload.filename, content, author=author, dry_run=dry_run,
                             max_bytes=limit, max_rows=settings.max_import_rows)
    if not report.ok or report.dry_run:
        session.rollback()  # belt and braces: a refused or trial import leaves nothing behind
        return remember_author(_page(request, form, report=report, status=200 if report.ok else 422), author)
    done = redirect("/import", notice="imported", total=report.total_rows, created=report.created,
                    updated=report.updated)
    return remember_author(done, author)


def _page(request: Request, form: FormData, status: int, errors: dict | None = None, report=None,
          too_large: str = ""):
    return render(request, "import.html", {
        "posted": form, "errors": errors or {}, "report": report, "too_large": too_large,
        "dry_run": bool(form.get("dry_run")),
    }, status_code=status)
