"""The server-rendered pages: mounted on the app, plus the overview, language switch and error pages."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from medbridge.library import service
from medbridge.library.service import OutcomeFilters
from medbridge.registry import service as registry
from medbridge.web import organizations, outcomes, rubric, spreadsheets
from medbridge.web.common import (LANG_COOKIE, ONE_YEAR, STATIC_DIR, PageRoute, SessionDep, error_page, redirect,
                                  render)
from medbridge.web.i18n import LANGUAGES

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# A confirmation shown once after a write should not come back when the language changes.
NOTICE_PARAMS = ("notice", "version", "count", "total", "created", "updated")

# Paths that belong to the JSON API and its documentation keep JSON errors.
API_PREFIXES = ("/api", "/docs", "/redoc", "/openapi.json")


def register_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (outcomes, spreadsheets, organizations, rubric):
        app.include_router(module.router)
    app.include_router(router)
    api_handler = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)

    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith(API_PREFIXES) or exc.status_code < 400:
            return await api_handler(request, exc)
        return error_page(request, exc.status_code)

    app.add_exception_handler(StarletteHTTPException, http_error)


@router.get("/")
def overview(request: Request, session: Session = SessionDep):
    everything = OutcomeFilters()
    by_grade = service.facet_counts(session, everything, "grade")
    by_field = service.facet_counts(session, everything, "field")
    recent = service.list_outcomes(session, OutcomeFilters(per_page=8))
    _, organization_total = registry.list_organizations(session, per_page=1)
    return render(request, "overview.html", {
        "total": recent.total, "by_grade": by_grade, "by_field": by_field, "recent": recent.items,
        "ungraded": recent.total - sum(by_grade.values()), "organization_total": organization_total,
        "has_demo": bool(service.facet_counts(session, everything, "is_demo")),
    })


@router.get("/lang/{code}")
def switch_language(request: Request, code: str):
    """Set the language cookie and go back where the switch was clicked (same site only)."""
    if code not in LANGUAGES:
        return error_page(request, 404)
    referer = urlsplit(request.headers.get("referer", ""))
    same_site = referer.netloc in ("", request.url.netloc)
    query = urlencode([(k, v) for k, v in parse_qsl(referer.query) if k not in NOTICE_PARAMS])
    back = (referer.path or "/") + (f"?{query}" if query else "") if same_site else "/"
    if not back.startswith("/") or back.startswith("//") or back.startswith("/lang/"):
        back = "/"
    response = redirect(back)
    response.set_cookie(LANG_COOKIE, code, max_age=ONE_YEAR, samesite="lax")
    return response
