"""Mounts the API routers and turns errors into uniform JSON: {"detail": [{field, message}, …]}
for bad input, {"detail": "…"} for everything else (a 500 included: security.ApiErrorMiddleware)."""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from medbridge.accounts.service import FAILURE_WINDOW
from medbridge.api import access, accounts, audit, chain, competitions, matching, meta, news, outcomes, pipeline, registry
from medbridge.errors import Forbidden, NotFound, ValidationError


def register_api(app: FastAPI) -> None:
    for module in (accounts, outcomes, access, registry, meta, audit, pipeline, competitions, chain, news, matching):
        app.include_router(module.router)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(Forbidden, _forbidden)
    # Anything else under /api is a JSON 500 without a trace: see security.ApiErrorMiddleware.


async def _http_error(request: Request, exc: StarletteHTTPException):
    """FastAPI's handler, except that a 405 lists every method the path supports (RFC 9110):
    each method of a path is its own route, and Starlette's Allow names only the first one's."""
    if exc.status_code == 405:
        allowed = _documented_methods(request.app, request.url.path)
        if allowed:
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(allowed)}
    return await http_exception_handler(request, exc)


def _documented_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document lists for the path template this path fits."""
    templates = getattr(app.state, "api_path_templates", None)
    if templates is None:
        templates = [(_template_pattern(template, operations), sorted(m.upper() for m in operations))
                     for template, operations in app.openapi().get("paths", {}).items()]
        app.state.api_path_templates = templates
    return sorted({method for pattern, methods in templates if pattern.match(path) for method in methods})


def _template_pattern(template: str, operations: dict) -> re.Pattern:
    """/api/outcomes/{outcome_id} → a pattern; integer parameters match digits only, as the
    routes' {outcome_id:int} do, so that /api/outcomes/export is not taken for an outcome."""
    integers = {p["name"] for operation in operations.values() for p in operation.get("parameters", ())
                if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"}

    def parameter(match: re.Match) -> str:
        return "[0-9]+" if match.group(1) in integers else "[^/]+"

    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", parameter, re.escape(template)) + "$")


def _validation_error(request: Request, exc: ValidationError) -> JSONResponse:
    return JSONResponse({"detail": exc.errors}, status_code=422)


def _request_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's own input checks, in the same shape as the domain's: a field and a message."""
    problems = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        # ("body", "trl") → "trl"; ("query", "per_page") → "per_page"; a whole missing body → "body".
        field = ".".join(location[1:]) if len(location) > 1 else ".".join(location) or "request"
        problems.append({"field": field, "message": str(error.get("msg", "invalid"))})
    return JSONResponse({"detail": problems}, status_code=422)


def _not_found(request: Request, exc: NotFound) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


def _forbidden(request: Request, exc: Forbidden) -> JSONResponse:
    """401 (sign in, or a bad token), 403 (not allowed), 429 (too many failed sign-ins)."""
    headers = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="medbridge"'
    elif exc.status == 429:
        headers["Retry-After"] = str(int(FAILURE_WINDOW.total_seconds()))
    return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=headers)

