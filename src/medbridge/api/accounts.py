"""/api/me and /api/session: who is asking, and signing in and out with a browser cookie.

Scripts send `Authorization: Bearer mbt_…` (made with `medbridge users token NAME`) and need
no session. A browser front end may sign in here instead: the session cookie is then sent by
the browser, and every write must echo the session's CSRF token in the X-CSRF-Token header.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts import service as accounts
from medbridge.accounts.policy import ANONYMOUS
from medbridge.api import schemas
from medbridge.api.deps import (API_CSRF_MESSAGE, CSRF_HEADER, SESSION_COOKIE, Auth, AuthDep, SessionDep,
                                check_csrf, client_address)
from medbridge.api.params import QueryChecks
from medbridge.api.schemas import INVALID_INPUT
from medbridge.errors import Forbidden

router = APIRouter(prefix="/api", tags=["accounts 账号"], responses=INVALID_INPUT, dependencies=QueryChecks)


@router.get("/me", response_model=schemas.MeOut, summary="Who am I 当前用户",
            responses={401: {"model": schemas.ErrorResponse, "description": "invalid or expired API token"}})
def me(auth: Auth = AuthDep):
    if auth.user is None:
        return {"authenticated": False}
    return {"authenticated": True, "username": auth.user.username, "display_name": auth.user.label,
            "roles": [{"role": g.role, "organization": g.organization} for g in auth.user.roles],
            "via": auth.via, "csrf_token": auth.csrf_token or None}


@router.post("/session", response_model=schemas.LoginOut, summary="Sign in (sets the session cookie) 登录",
             responses={401: {"model": schemas.ErrorResponse, "description": "wrong username or password"},
                        403: {"model": schemas.ErrorResponse, "description": "the account is disabled"},
                        429: {"model": schemas.ErrorResponse, "description": "too many failed attempts"}})
def sign_in(request: Request, response: Response, body: schemas.LoginIn, session: Session = SessionDep,
            auth: Auth = AuthDep):
    client = client_address(request)
    try:
        user = accounts.authenticate(session, body.username, body.password, client=client)
    except Forbidden as refused:
        audit.record(session, ANONYMOUS, "login.failed", "user", None, client=client,
                     username=body.username.strip()[:64], status=refused.status)
        # Keep the failed attempt (it counts towards the limit) though the request fails.
        session.commit()
        raise
    if auth.login_session is not None:  # signing in as someone else ends the session before
        accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    viewer = accounts.viewer_for(session, user)
    token, row = accounts.start_session(session, user)
    audit.record(session, viewer, "login", "user", user.id, client=client, via="api")
    response.set_cookie(SESSION_COOKIE, token, max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
                        httponly=True, samesite="lax", secure=_secure(request))
    return {"username": user.username, "csrf_token": row.csrf_token, "expires_at": row.expires_at}


@router.delete("/session", status_code=204, summary="Sign out 退出登录",
               responses={403: {"model": schemas.ErrorResponse, "description": "missing or wrong X-CSRF-Token"}})
def sign_out(request: Request, response: Response, session: Session = SessionDep, auth: Auth = AuthDep):
    if auth.via == "cookie":
        try:
            check_csrf(auth, request.headers.get(CSRF_HEADER))
        except Forbidden:
            raise Forbidden(API_CSRF_MESSAGE) from None
        accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
        audit.record(session, auth.viewer, "logout", "user", auth.user.id, client=client_address(request))
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(request))


def _secure(request: Request) -> bool:
    """Cookies only over HTTPS: when served so, or behind a proxy that ends TLS (MEDBRIDGE_SECURE_COOKIES=1)."""
    return request.url.scheme == "https" or bool(getattr(request.app.state.settings, "secure_cookies", False))
