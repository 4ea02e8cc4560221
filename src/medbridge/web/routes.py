"""The server-rendered pages: mounted on the app, plus the overview, language switch and error pages."""

from __future__ import annotations

import inspect
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from medbridge.api.deps import Auth
from medbridge.api.security import security_headers
from medbridge.library import service
from medbridge.library.service import OutcomeFilters
from medbridge.registry import service as registry
from medbridge.web import (access, audit, chain, competitions, deals, login, matching, news, organizations, outcomes,
                           rubric, spreadsheets)
from medbridge.web.common import (LANG_COOKIE, ONE_YEAR, STATIC_DIR, PageAuthDep, SessionDep, error_page, log,
                                  page_router, redirect, render)
from medbridge.web.i18n import LANGUAGES

router = page_router()

# A confirmation shown once after a write should not come back when the language changes.
NOTICE_PARAMS = ("notice", "version", "count", "total", "created", "updated")

# Paths that belong to the JSON API and its documentation keep JSON errors.
API_PREFIXES = ("/api", "/docs", "/redoc", "/openapi.json")


def register_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (outcomes, access, spreadsheets, organizations, rubric, login, audit, matching, deals, competitions,
                   chain, news):
        app.include_router(module.router)
    app.include_router(router)
    # The API's handlers (registered before this) keep answering for the API's paths.
    api_handler = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)
    api_server_error = app.exception_handlers.get(Exception)

    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith(API_PREFIXES) or exc.status_code < 400:
            return await api_handler(request, exc)
        return error_page(request, exc.status_code, str(exc.detail) if exc.status_code == 413 else "")

    async def server_error(request: Request, exc: Exception):
        """Anything no page route caught: a plain page, never a stack trace."""
        if request.url.path.startswith(API_PREFIXES):
            if api_server_error is None:
                return PlainTextResponse("Internal Server Error", status_code=500)
            if inspect.iscoroutinefunction(api_server_error):
                return await api_server_error(request, exc)
            return await run_in_threadpool(api_server_error, request, exc)
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        response = error_page(request, 500)
        # Made outside the middleware that adds the security headers, so they are added here.
        for name, value in security_headers(request.url.path, request.app).items():
            response.headers.setdefault(name, value)
        return response

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, server_error)


@router.get("/")
def overview(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    """Counts by grade and field, the latest outcomes: all of it only what this person may see."""
    viewer, everything = auth.viewer, OutcomeFilters()
    by_grade = service.facet_counts(session, everything, "grade", viewer)
    by_field = service.facet_counts(session, everything, "field", viewer)
    recent = service.list_outcomes(session, OutcomeFilters(per_page=8), viewer)
    _, organization_total = registry.list_organizations(session, per_page=1)
    return render(request, "overview.html", {
        "total": recent.total, "by_grade": by_grade, "by_field": by_field, "recent": recent.items,
        "ungraded": recent.total - sum(by_grade.values()), "organization_total": organization_total,
        "has_demo": bool(service.facet_counts(session, everything, "is_demo", viewer)),
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
