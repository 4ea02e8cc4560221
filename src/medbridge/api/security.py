"""Hardening of the app (API and pages): a limit on request bodies, security headers on every
response, and a JSON 500 without a trace for the API. All are plain ASGI middleware, so they
see streamed bodies as they arrive and every response, whatever produced it (create_app adds them)."""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("medbridge.api")

INTERNAL_ERROR = "服务器内部错误 / internal server error"

# Room above the upload limit for the multipart envelope and the form's other fields.
BODY_OVERHEAD = 64 * 1024

API_PREFIXES = ("/api", "/openapi.json")
DOCS_PREFIXES = ("/docs", "/redoc")
# Where errors are JSON (the pages show their own error page elsewhere).
JSON_PREFIXES = (*API_PREFIXES, *DOCS_PREFIXES)

# JSON has no business loading anything.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The pages load /static/style.css and /static/app.js and nothing inline, except `style="width: …"`
# on the bar charts (overview, grade breakdown): style *attributes* are allowed, <style> elements
# and inline or foreign scripts are not.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'")
# FastAPI's /docs and /redoc pages load Swagger UI / ReDoc from jsDelivr and start them with an
# inline script; they show only our own OpenAPI document, so inline code is allowed there alone.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
            "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
            "https://cdn.redoc.ly; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; frame-ancestors 'none'")

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def content_security_policy(path: str) -> str:
    if path.startswith(API_PREFIXES):
        return API_CSP
    if path.startswith(DOCS_PREFIXES):
        return DOCS_CSP
    return PAGE_CSP


def security_headers(path: str, app: Any = None) -> dict[str, str]:
    headers = {**COMMON_HEADERS, "Content-Security-Policy": content_security_policy(path)}
    settings = getattr(getattr(app, "state", None), "settings", None)
    if getattr(settings, "secure_cookies", False):  # served over HTTPS: browsers should insist on it
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(scope.get("path", ""), scope.get("app")).items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised while the body is being read. An HTTPException, so that FastAPI, which turns other
    errors met while reading a body into a 400, passes it on as the 413 it is."""

    def __init__(self, limit: int):
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"请求体超过{_size(limit)}上限 / request body larger than the {_size(limit)} limit"


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count // 1024} KB"


class BodyLimitMiddleware:
    """Refuses request bodies over a limit: at once (413, body unread) when Content-Length says
    so, and by counting the bytes of a streamed (chunked) body, stopping as soon as it passes.

    `limit` is asked on every request, so a changed setting takes effect without a restart.
    """

    def __init__(self, app: ASGIApp, limit: Callable[[], int]):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit()
        declared = [value for name, value in scope.get("headers", ()) if name == b"content-length"]
        if declared:
            try:
                length = int(declared[0])
            except ValueError:
                await _refuse(scope, send, 400, "Content-Length 无效 / invalid Content-Length")
                return
            if length > limit:
                await _refuse(scope, send, 413, too_large_message(limit))
                return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refuse(scope, send, 413, exc.detail)


async def _refuse(scope: Scope, send: Send, status: int, detail: str) -> None:
    """An early answer, the body unread: JSON for the API, the site's error page for the pages' forms."""
    if scope.get("path", "").startswith(JSON_PREFIXES):
        body, media = json.dumps({"detail": detail}, ensure_ascii=False).encode(), b"application/json"
    else:
        from medbridge.web.common import error_page_for   # (the pages build on the API, not the reverse)

        body, media = error_page_for(scope, status, detail).body, b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class ApiErrorMiddleware:
    """An unexpected error under /api (and the docs) becomes a JSON 500 with no trace in it;
    the trace goes to the log. A middleware rather than an exception handler, so that it holds
    whichever handlers the pages register for their own paths."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(JSON_PREFIXES):
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late to say anything else: the server drops the connection
                raise
            await JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)(scope, receive, send)
