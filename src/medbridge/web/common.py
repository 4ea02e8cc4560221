"""What every page shares: templates and language, who is asking (and the CSRF check of every
form), list filters read from the query string, pagination links, error pages and redirects."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from jinja2 import pass_context
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from medbridge.accounts import service as accounts
from medbridge.accounts.policy import Viewer, manages_any, require_signed_in
from medbridge.api.deps import (  # noqa: F401  (SessionDep, client_address re-exported for the page modules)
    CSRF_FIELD, SESSION_COOKIE, Auth, AuthDep, SessionDep, check_csrf, client_address,
)
from medbridge.errors import Forbidden, NotFound
from medbridge.library.service import MAX_PER_PAGE, SORTS, OutcomeFilters, Page
from medbridge.library.taxonomy import get_taxonomy
from medbridge.web.display import when
from medbridge.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

log = logging.getLogger("medbridge.web")

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

LANG_COOKIE = "lang"
# Before signing in there is no session to hold a CSRF token: the login form's token is
# double-submitted, in this cookie and in the form.
LOGIN_CSRF_COOKIE = "medbridge_login_csrf"
ONE_YEAR = 365 * 24 * 3600
CSRF_MESSAGE = ("表单已过期或来源不明，请刷新页面后重试 / the form expired or came from elsewhere; "
                "reload the page and try again")


# --- who is asking ----------------------------------------------------------------------

@dataclass(frozen=True)
class Who:
    """What the page frame shows of the person asking, copied out of the database session so
    that it can still be shown after the session has ended (on an error page)."""

    signed_in: bool = False
    username: str = ""
    label: str = ""
    roles: tuple[tuple[str, str], ...] = ()   # (role, organization name or "")
    csrf_token: str = ""
    is_admin: bool = False
    manages: bool = False                      # an administrator or a tech-transfer office


NOBODY = Who()


def who_of(auth: Auth) -> Who:
    if auth.user is None:
        return NOBODY
    viewer = auth.viewer
    return Who(signed_in=True, username=auth.user.username, label=auth.user.label,
               roles=tuple((g.role, g.organization.name if g.organization else "") for g in auth.user.roles),
               csrf_token=auth.csrf_token, is_admin=viewer.is_admin, manages=manages_any(viewer))


def page_auth(request: Request, auth: Auth = AuthDep) -> Auth:
    """Who is asking; every page route depends on it, so the frame can show them."""
    request.state.who = who_of(auth)
    return auth


PageAuthDep = Depends(page_auth)


def _submitted_token(form: FormData) -> str | None:
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else None


async def _read_form(request: Request) -> FormData:
    """The posted form; a NUL character (which PostgreSQL cannot store) is refused, not stored cut."""
    form = await request.form()
    if any(isinstance(value, str) and "\x00" in value for value in form.values()):
        raise StarletteHTTPException(422, "表单含有不可见的空字符 / the form contains a NUL character")
    return form


async def write_form(request: Request, auth: Auth = PageAuthDep) -> FormData:
    """The posted form of any write: only signed-in people write (others are sent to sign in),
    and a browser session's form must carry the session's CSRF token. The one place both are checked."""
    require_signed_in(auth.viewer)
    form = await _read_form(request)
    check_csrf(auth, _submitted_token(form))
    return form


async def login_form(request: Request, auth: Auth = PageAuthDep) -> FormData:
    """The posted login form: checked against the session's token, or before signing in, against
    the token the login page put in a cookie."""
    form = await _read_form(request)
    submitted = _submitted_token(form)
    if auth.via == "cookie":
        check_csrf(auth, submitted)
    else:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not (expected and submitted and secrets.compare_digest(expected, submitted)):
            raise Forbidden(CSRF_MESSAGE)
    return form


FormDep = Depends(write_form)
LoginFormDep = Depends(login_form)


def secure_cookies(request: Request) -> bool:
    """Cookies only over HTTPS: when served so, or behind a proxy that ends TLS (MEDBRIDGE_SECURE_COOKIES=1)."""
    return request.url.scheme == "https" or bool(getattr(request.app.state.settings, "secure_cookies", False))


# --- routes whose errors are pages ------------------------------------------------------

class PageRoute(APIRoute):
    """A page route: domain errors become HTML pages (401 → the login page, 403, 404, and
    anything unexpected → a plain 500 page, never a stack trace)."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request):
            try:
                return await handler(request)
            except NotFound:
                return error_page(request, 404)
            except Forbidden as exc:
                if exc.status == 401:
                    return redirect(login_url(request))
                return error_page(request, exc.status, str(exc))
            except (StarletteHTTPException, RequestValidationError):
                raise
            except Exception:
                log.exception("page %s %s failed", request.method, request.url.path)
                return error_page(request, 500)

        return route


def page_router() -> APIRouter:
    return APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=[PageAuthDep])


# --- where to go after signing in -------------------------------------------------------

def safe_next(target: str | None) -> str:
    """A path on this site to go to, or "/": never another site (//evil, https://evil, /\\evil)."""
    target = (target or "").strip()
    parts = urlsplit(target)
    if (not target.startswith("/") or target.startswith(("//", "/\\")) or parts.scheme or parts.netloc
            or any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in target)
            or parts.path in ("/login", "/logout")):
        return "/"
    return target


def same_site_referer(request: Request) -> str:
    referer = urlsplit(request.headers.get("referer", ""))
    if not referer.path or referer.netloc not in ("", request.url.netloc):
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


def login_url(request: Request) -> str:
    """The login page, coming back here afterwards (after a refused POST, to the page the form was on)."""
    if request.method in ("GET", "HEAD"):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        here = same_site_referer(request) or request.url.path
    return "/login?" + urlencode({"next": safe_next(here)})


# --- language and rendering -------------------------------------------------------------

def current_lang(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@pass_context
def csrf_input(context) -> Markup:
    """The hidden CSRF field every form carries."""
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(context.get("csrf_token", ""))}">')


templates.env.globals["csrf_input"] = csrf_input


def current_who(request: Request) -> Who:
    who = getattr(request.state, "who", None)
    if who is not None:
        return who
    # Pages outside the page routes (an unknown address): look the cookie up, if that still works.
    try:
        with request.app.state.database.session() as session:
            login = accounts.find_session(session, request.cookies.get(SESSION_COOKIE))
            who = who_of(Auth(accounts.viewer_for(session, login.user), login.user, login, "cookie")) \
                if login else NOBODY
    except Exception:
        who = NOBODY
    request.state.who = who
    return who


def render(request: Request, name: str, context: Mapping[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    lang = current_lang(request)
    taxonomy = get_taxonomy()
    who = current_who(request)

    def t(key: str, **values) -> str:
        return translate(key, lang, **values)

    def label(vocabulary: str, key: str | None) -> str:
        return getattr(taxonomy, vocabulary).label(key, lang)

    page_context = {"lang": lang, "t": t, "label": label, "taxonomy": taxonomy, "when": when,
                    "notice": notice(request, lang), "who": who, "csrf_token": who.csrf_token,
                    "here": safe_next(request.url.path + (f"?{request.url.query}" if request.url.query else ""))}
    page_context.update(context or {})
    return templates.TemplateResponse(request, name, page_context, status_code=status_code)


def error_page(request: Request, status_code: int, message: str = "") -> HTMLResponse:
    return render(request, "error.html", {"status_code": status_code, "message": message},
                  status_code=status_code)


def error_page_for(scope, status_code: int, message: str = "") -> HTMLResponse:
    """The same error page for code outside the routes that has only the ASGI scope (e.g. the
    request-body limit, which answers before any route runs): `await error_page_for(scope, 413,
    detail)(scope, receive, send)`."""
    return error_page(Request(scope), status_code, message)


NOTICES = ("created", "saved", "unchanged", "restored", "restore_unchanged", "imported", "rubric_saved",
           "deleted", "signed_in", "signed_out", "access_requested", "access_granted", "access_refused",
           "access_revoked", "chain_saved", "chain_decided", "chain_suggested") + ("deal_created", "deal_moved", "deal_saved", "incubation_saved",
                                "competition_saved", "score_saved", "need_created", "need_saved", "need_deleted", "feedback")


def notice(request: Request, lang: str) -> str:
    """The one-line confirmation a redirect after a write asks for (?notice=saved)."""
    key = request.query_params.get("notice", "")
    if key not in NOTICES:
        return ""
    # Only numbers are taken from the link, so a crafted URL cannot put words in our mouth.
    values = {name: request.query_params.get(name, "") for name in ("version", "count")}
    values = {name: value if value.isdigit() else "?" for name, value in values.items()}
    return translate(f"notice_{key}", lang, **values)


def redirect(url: str, **notice_params: Any) -> RedirectResponse:
    """POST-redirect-GET: 303 so the browser follows with a GET."""
    if notice_params:
        url += ("&" if "?" in url else "?") + urlencode(notice_params)
    return RedirectResponse(url, status_code=303)


# --- the outcome list's query string ----------------------------------------------------

FILTER_NAMES = ("q", "field", "kind", "stage", "grade", "owner_id", "region", "confidentiality")
DEFAULT_SORT = OutcomeFilters.sort
DEFAULT_PER_PAGE = OutcomeFilters.per_page
SORT_CHOICES = ("-updated_at", "-score", "score", "title", "code", "-trl", "-created_at", "updated_at")


def _int(value: Any, default: int | None) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else default


def page_number(params: Mapping[str, str]) -> int:
    return max(1, _int(params.get("page"), 1))


def outcome_filters(params: Mapping[str, str]) -> OutcomeFilters:
    """Filters from a query string; anything malformed falls back to its default, so a
    hand-edited or stale link still shows a list."""
    sort = params.get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in SORTS:
        sort = DEFAULT_SORT
    per_page = _int(params.get("per_page"), DEFAULT_PER_PAGE)
    return OutcomeFilters(
        q=(params.get("q") or "").strip()[:200],
        **{name: (params.get(name) or "").strip() for name in
           ("field", "kind", "stage", "grade", "region", "confidentiality")},
        owner_id=_int(params.get("owner_id"), None) or None,
        sort=sort,
        page=page_number(params),
        per_page=min(max(1, per_page), MAX_PER_PAGE),
    )


def filters_query(filters: OutcomeFilters, **overrides: Any) -> str:
    """The query string for these filters (defaults left out), with some values replaced."""
    values = {name: getattr(filters, name) for name in (*FILTER_NAMES, "sort", "page", "per_page")}
    values.update(overrides)
    defaults = {"sort": DEFAULT_SORT, "page": 1, "per_page": DEFAULT_PER_PAGE}
    kept = {name: value for name, value in values.items()
            if value not in (None, "") and defaults.get(name) != value}
    return urlencode(kept)


def has_filters(filters: OutcomeFilters) -> bool:
    return any(getattr(filters, name) for name in FILTER_NAMES)


def page_numbers(page: Page, around: int = 2) -> list[int | None]:
    """Page numbers to link, None where a run is left out: 1 … 4 5 [6] 7 8 … 20."""
    wanted = {1, page.pages, *range(page.page - around, page.page + around + 1)}
    numbers: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= page.pages):
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


# --- reading posted forms ---------------------------------------------------------------

def text(form: Mapping[str, Any], name: str, limit: int | None = None) -> str:
    """A posted text input, stripped, line breaks as LF; files and missing inputs read as ""."""
    value = form.get(name)
    value = value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""
    return value[:limit] if limit else value


def reason_of(form: FormData, lang: str) -> tuple[str, dict[str, str]]:
    """The optional reason of a change (recorded in the history), with its error."""
    reason = text(form, "reason")
    return reason, ({"reason": translate("reason_too_long", lang)} if len(reason) > 500 else {})


def parse_day(value: str) -> date | None:
    """A date typed as YYYY-MM-DD (what <input type=date> sends); ValueError if malformed."""
    return date.fromisoformat(value) if value else None


def end_of_day(day: date | None) -> datetime | None:
    """A grant "until 2030-06-30" holds through that whole day (UTC)."""
    return datetime.combine(day, time(23, 59, 59)) if day else None


def day_range(since: str, until: str) -> tuple[datetime | None, datetime | None]:
    """A date range typed in a filter form; malformed dates are ignored, the end day is included."""
    def day(value):
        try:
            return parse_day(value.strip())
        except ValueError:
            return None
    start, end = day(since), day(until)
    return (datetime.combine(start, time()) if start else None,
            datetime.combine(end + timedelta(days=1), time()) if end else None)
