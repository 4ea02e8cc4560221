"""Signing in and out: a username and password form, a session cookie, both audited."""

from __future__ import annotations

import secrets

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.accounts import audit
from medbridge.accounts import service as accounts
from medbridge.accounts.policy import ANONYMOUS
from medbridge.api.deps import Auth
from medbridge.errors import Forbidden
from medbridge.web.common import (LOGIN_CSRF_COOKIE, SESSION_COOKIE, FormDep, LoginFormDep, PageAuthDep,
                                  SessionDep, client_address, current_lang, page_router, redirect, render,
                                  safe_next, secure_cookies, text)
from medbridge.web.i18n import translate

router = page_router()

SESSION_MAX_AGE = int(accounts.SESSION_LIFETIME.total_seconds())


@router.get("/login")
def login_page(request: Request, auth: Auth = PageAuthDep):
    return _page(request, auth, "", safe_next(request.query_params.get("next")))


@router.post("/login")
def login(request: Request, form: FormData = LoginFormDep, session: Session = SessionDep,
          auth: Auth = PageAuthDep):
    username, next_url, client = text(form, "username", 64), safe_next(text(form, "next")), client_address(request)
    try:
        user = accounts.authenticate(session, username, str(form.get("password") or ""), client)
    except Forbidden as exc:  # wrong password (401), disabled (403), too many attempts (429)
        audit.record(session, ANONYMOUS, "login.failed", "user", None, client=client, username=username,
                     status=exc.status)
        return _page(request, auth, username, next_url, error=_refusal(exc, current_lang(request)),
                     status_code=exc.status)
    if auth.login_session is not None:  # signing in as someone else ends the session before
        accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    token, _ = accounts.start_session(session, user)
    audit.record(session, accounts.viewer_for(session, user), "login", "user", user.id, client=client, via="page")
    response = redirect(next_url if next_url != "/" else "/?notice=signed_in")
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_MAX_AGE, httponly=True, samesite="lax",
                        secure=secure_cookies(request))
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, form: FormData = FormDep, session: Session = SessionDep, auth: Auth = PageAuthDep):
    audit.record(session, auth.viewer, "logout", "user", auth.viewer.user_id, client=client_address(request))
    accounts.end_session(session, request.cookies.get(SESSION_COOKIE))
    response = redirect("/", notice="signed_out")
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(request))
    return response


def _refusal(exc: Forbidden, lang: str) -> str:
    if exc.status == 429:
        return translate("login_too_many", lang, minutes=int(accounts.FAILURE_WINDOW.total_seconds() // 60))
    return translate("login_disabled" if exc.status == 403 else "login_wrong", lang)


def _page(request: Request, auth: Auth, username: str, next_url: str, error: str = "", status_code: int = 200):
    """The login form. Before signing in, its CSRF token is double-submitted (cookie and form)."""
    token = auth.csrf_token or request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", {"username": username, "next_url": next_url, "error": error,
                                              "csrf_token": token}, status_code=status_code)
    if not auth.csrf_token:
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookies(request))
    return response
