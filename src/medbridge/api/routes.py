"""Mounts the API routers and turns domain errors into uniform JSON errors."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from medbridge.api import meta, outcomes, registry
from medbridge.errors import NotFound, ValidationError


def register_api(app: FastAPI) -> None:
    for module in (outcomes, registry, meta):
        app.include_router(module.router)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(NotFound, _not_found)


def _validation_error(request: Request, exc: ValidationError) -> JSONResponse:
    return JSONResponse({"detail": exc.errors}, status_code=422)


def _not_found(request: Request, exc: NotFound) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)
