"""What every page shares: templates and language, the session, list filters read from the
query string, pagination links, the "your name" fields and redirects after a write."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote, unquote, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from medbridge.api.deps import SessionDep  # noqa: F401  (re-exported for the page modules)
from medbridge.errors import NotFound
from medbridge.library.service import MAX_PER_PAGE, SORTS, OutcomeFilters, Page
from medbridge.library.taxonomy import get_taxonomy
from medbridge.web.display import when
from medbridge.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

LANG_COOKIE = "lang"
AUTHOR_COOKIE = "author"
ONE_YEAR = 365 * 24 * 3600

async def form_data(request: Request) -> FormData:
    """The posted form, read here so the page handlers themselves can stay synchronous."""
    return await request.form()


FormDep = Depends(form_data)


class PageRoute(APIRoute):
    """A page route: a NotFound from the domain becomes the HTML 404 page, not JSON."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request):
            try:
                return await handler(request)
            except NotFound:
                return error_page(request, 404)

        return route


# --- language and rendering -------------------------------------------------------------

def current_lang(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def render(request: Request, name: str, context: Mapping[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    lang = current_lang(request)
    taxonomy = get_taxonomy()

    def t(key: str, **values) -> str:
        return translate(key, lang, **values)

    def label(vocabulary: str, key: str | None) -> str:
        return getattr(taxonomy, vocabulary).label(key, lang)

    page_context = {"lang": lang, "t": t, "label": label, "taxonomy": taxonomy, "when": when,
                    "remembered_author": remembered_author(request), "notice": notice(request, lang)}
    page_context.update(context or {})
    return templates.TemplateResponse(request, name, page_context, status_code=status_code)


def error_page(request: Request, status_code: int) -> HTMLResponse:
    return render(request, "error.html", {"status_code": status_code}, status_code=status_code)


NOTICES = ("created", "saved", "unchanged", "restored", "restore_unchanged", "imported", "rubric_saved")


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
        page=max(1, _int(params.get("page"), 1)),
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


# --- who is writing ---------------------------------------------------------------------

def remembered_author(request: Request) -> str:
    return unquote(request.cookies.get(AUTHOR_COOKIE, ""))


def author_and_reason(form: FormData, lang: str) -> tuple[str, str, dict[str, str]]:
    """The required "your name" and optional reason of a write form, with their errors."""
    author = str(form.get("author") or "").strip()
    reason = str(form.get("reason") or "").strip()
    errors = {}
    if not author:
        errors["author"] = translate("author_required", lang)
    elif len(author) > 100:
        errors["author"] = translate("author_too_long", lang)
    if len(reason) > 500:
        errors["reason"] = translate("reason_too_long", lang)
    return author, reason, errors


def remember_author(response, author: str):
    # Cookie values must be ASCII; a Chinese name travels percent-encoded.
    response.set_cookie(AUTHOR_COOKIE, quote(author), max_age=ONE_YEAR, samesite="lax", httponly=True)
    return response
