"""Request-scoped dependencies shared by the API and the pages: the database session and
who is asking (the viewer), from an API token or the browser's session cookie."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Iterator

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBearer
from sqlalchemy.orm import Session

from medbridge.accounts import service as accounts
from medbridge.accounts.models import LoginSession, User
from medbridge.accounts.policy import ANONYMOUS, Viewer, require_signed_in
from medbridge.db import Database
from medbridge.errors import Forbidden

SESSION_COOKIE = "medbridge_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed if the handler returns, rolled back if it raises."""
    with get_database(request).session() as session:
        yield session


# Commit before the response is sent (FastAPI's default for yield dependencies is after), so a
# client never sees "saved" for a write that then fails, nor reads stale data after a redirect.
SessionDep = Depends(get_session, scope="function")


@dataclass
class Auth:
    """Who is asking, and how they proved it."""

    viewer: Viewer
    user: User | None = None
    login_session: LoginSession | None = None   # set when the browser's cookie was used
    via: str = ""                                # "token", "cookie" or "" (anonymous)

    @property
    def csrf_token(self) -> str:
        return self.login_session.csrf_token if self.login_session else ""


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def get_auth(request: Request, session: Session = SessionDep) -> Auth:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = accounts.user_for_token(session, header[7:].strip())
        if user is None:
            raise Forbidden("API令牌无效或已过期 / invalid or expired API token", status=401)
        return Auth(accounts.viewer_for(session, user), user, None, "token")
    login = accounts.find_session(session, request.cookies.get(SESSION_COOKIE))
    if login is None:
        return Auth(ANONYMOUS)
    return Auth(accounts.viewer_for(session, login.user), login.user, login, "cookie")


AuthDep = Depends(get_auth)


def get_viewer(auth: Auth = AuthDep) -> Viewer:
    return auth.viewer


ViewerDep = Depends(get_viewer)


def check_csrf(auth: Auth, submitted: str | None) -> None:
    """A write authenticated by the browser's cookie must carry the session's CSRF token
    (a form field or the X-CSRF-Token header); token-authenticated scripts need none."""
    if auth.via != "cookie":
        return
    if not submitted or not secrets.compare_digest(submitted, auth.csrf_token):
        raise Forbidden("表单已过期或来源不明，请刷新页面后重试 / the form expired or came from elsewhere; "
                        "reload the page and try again")


# Documents the bearer token in the OpenAPI schema (Swagger UI's "Authorize"); it checks nothing
# itself: get_auth reads the header, and also accepts the browser's session cookie.
bearer_scheme = HTTPBearer(auto_error=False, scheme_name="bearer",
                           description="An API token (mbt_…), made with `medbridge users token NAME`.")


def get_signed_in(auth: Auth = AuthDep, _bearer: object = Security(bearer_scheme)) -> Auth:
    """Who is asking, who must be signed in (401 if not)."""
    require_signed_in(auth.viewer)
    return auth


SignedInDep = Depends(get_signed_in)


def get_writer(request: Request, auth: Auth = AuthDep, _bearer: object = Security(bearer_scheme)) -> Auth:
    """Who is making a change through the API: they must be signed in (401 if not), and a change
    made with the browser's cookie must carry the session's CSRF token in the X-CSRF-Token
    header (a cross-site page cannot set it). Every API write route depends on this."""
    require_signed_in(auth.viewer)
    if request.method not in SAFE_METHODS:
        try:
            check_csrf(auth, request.headers.get(CSRF_HEADER))
        except Forbidden:
            raise Forbidden(API_CSRF_MESSAGE) from None
    return auth


API_CSRF_MESSAGE = (f"缺少或错误的 {CSRF_HEADER} 请求头 / missing or wrong {CSRF_HEADER} header: a write made with the "
                    "session cookie must send the session's CSRF token (POST /api/session and GET /api/me give it)")
WriterDep = Depends(get_writer)
