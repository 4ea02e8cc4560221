"""Pages for search, needs and matches: /search, /needs (list, new, detail with matching
outcomes, edit, delete), /outcomes/{id}/matches, and the feedback buttons on every match."""

from __future__ import annotations

from typing import Mapping
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.accounts.policy import require_visible
from medbridge.api.deps import Auth
from medbridge.errors import NotFound, ValidationError
from medbridge.library import service as library
from medbridge.library.taxonomy import get_taxonomy
from medbridge.matching import feedback
from medbridge.matching.match import match_need, match_outcome
from medbridge.matching.search import FACETS, SearchFilters, search
from medbridge.needs import actions as need_actions, service as needs
from medbridge.needs.actions import can_post, may_post_any
from medbridge.registry import service as registry
from medbridge.web.common import (FormDep, PageAuthDep, SessionDep, _int, page_number, page_numbers, page_router,
                                  redirect, render, safe_next, text)

router = page_router()

SEARCH_PARAMS = ("q", "kind", "type", "field", "stage", "region")
NEED_FORM_FIELDS = ("code", "kind", "title", "description", "owner", "fields", "stages", "segments", "keywords",
                    "ticket_min", "ticket_max", "region", "status", "contact")


# --- search -----------------------------------------------------------------------------

@router.get("/search")
def search_page(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    params = {name: (request.query_params.get(name) or "").strip()[:200] for name in SEARCH_PARAMS}
    result = None
    if params["q"]:
        kind = params["kind"] if params["kind"] in ("outcome", "organization", "need") else ""
        filters = SearchFilters(q=params["q"], kinds=(kind,) if kind else (), sub_kind=params["type"][:32],
                                field=params["field"][:32], stage=params["stage"][:32],
                                region=params["region"][:32], page=page_number(request.query_params))
        result = search(session, filters, auth.viewer)

    def link(**overrides) -> str:
        values = {**params, **overrides}
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})

    facet_params = {"doc_kind": "kind", "sub_kind": "type", "field": "field", "stage": "stage", "province": "region"}
    return render(request, "matching/search.html", {
        "params": params, "result": result, "link": link, "facet_names": FACETS, "facet_params": facet_params,
        "need_kinds": needs.NEED_KINDS,
        "page_numbers": page_numbers(result) if result else [],
        "filtered": any(params[name] for name in SEARCH_PARAMS if name != "q"),
    })


# --- needs ------------------------------------------------------------------------------

def need_filters(query: Mapping[str, str]) -> needs.NeedFilters:
    """The list's filters from the page's query (unknown values ignored): the list and its export."""
    owner_id = _int(query.get("owner_id"), None)
    return needs.NeedFilters(
        q=(query.get("q") or "").strip()[:200],
        kind=query.get("kind", "") if query.get("kind", "") in needs.NEED_KINDS else "",
        status=query.get("status", "") if query.get("status", "") in needs.NEED_STATUSES else "",
        field=query.get("field", "") if query.get("field", "") in get_taxonomy().fields else "",
        owner_id=owner_id if owner_id and owner_id < 2**63 else None, page=page_number(query))


@router.get("/needs")
def need_list(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    filters = need_filters(request.query_params)
    page = needs.list_needs(session, filters)

    def link(**overrides) -> str:
        values = {"q": filters.q, "kind": filters.kind, "status": filters.status, "field": filters.field,
                  "owner_id": filters.owner_id, **overrides}
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})

    return render(request, "needs/list.html", {
        "page": page, "filters": filters, "link": link, "page_numbers": page_numbers(page),
        "need_kinds": needs.NEED_KINDS, "need_statuses": needs.NEED_STATUSES,
        "filtered": bool(filters.q or filters.kind or filters.status or filters.field or filters.owner_id),
        "may_post": may_post_any(auth.viewer)})


@router.get("/needs/new")
def new_need_form(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    if not may_post_any(auth.viewer):
        need_actions.require_post(auth.viewer, None)  # 401 to sign in, 403 for those with no organization
    values = {name: "" for name in NEED_FORM_FIELDS}
    owners = _postable_organizations(session, auth)
    values["owner"] = str(owners[0].id) if len(owners) == 1 else ""
    return _form(request, session, auth, None, values, {})


@router.post("/needs/new")
def create_need(request: Request, form: FormData = FormDep, session: Session = SessionDep,
                auth: Auth = PageAuthDep):
    values = _form_values(form)
    errors: dict[str, str] = {}
    need = _saving(errors, lambda: need_actions.create(session, auth.viewer, _need_input(values)))
    if errors:
        return _form(request, session, auth, None, values, errors)
    return redirect(f"/needs/{need.id}", notice="need_created")


@router.get("/needs/{need_id:int}")
def need_detail(request: Request, need_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    need = needs.get_need(session, need_id)
    return render(request, "needs/detail.html", {
        "need": need, "matches": match_need(session, need, auth.viewer),
        "may_edit": can_post(auth.viewer, need.owner_id), "need_kinds": needs.NEED_KINDS,
        "need_statuses": needs.NEED_STATUSES})


@router.get("/needs/{need_id:int}/edit")
def edit_need_form(request: Request, need_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    need = needs.get_need(session, need_id)
    need_actions.require_post(auth.viewer, need.owner_id)
    values = {name: _shown(getattr(need, "owner_id" if name == "owner" else name)) for name in NEED_FORM_FIELDS}
    return _form(request, session, auth, need, values, {})


@router.post("/needs/{need_id:int}/edit")
def update_need(request: Request, need_id: int, form: FormData = FormDep, session: Session = SessionDep,
                auth: Auth = PageAuthDep):
    need = needs.get_need(session, need_id)
    need_actions.require_post(auth.viewer, need.owner_id)
    values = _form_values(form)
    errors: dict[str, str] = {}
    _saving(errors, lambda: need_actions.update(session, auth.viewer, need, _need_input(values)))
    if errors:
        return _form(request, session, auth, need, values, errors)
    return redirect(f"/needs/{need.id}", notice="need_saved")


@router.post("/needs/{need_id:int}/delete")
def delete_need(need_id: int, form: FormData = FormDep, session: Session = SessionDep, auth: Auth = PageAuthDep):
    need_actions.delete(session, auth.viewer, needs.get_need(session, need_id))
    return redirect("/needs", notice="need_deleted")


def _form(request: Request, session: Session, auth: Auth, need, values: dict, errors: dict):
    return render(request, "needs/form.html", {
        "need": need, "values": values, "errors": errors, "organizations": _postable_organizations(session, auth),
        "need_kinds": needs.NEED_KINDS, "need_statuses": needs.NEED_STATUSES},
        status_code=422 if errors else 200)


def _postable_organizations(session: Session, auth: Auth):
    organizations, _ = registry.list_organizations(session, per_page=1000)
    return [org for org in organizations if can_post(auth.viewer, org.id)]


def _form_values(form: FormData) -> dict:
    values = {name: text(form, name) for name in NEED_FORM_FIELDS if name not in ("fields", "stages", "segments")}
    for name in ("fields", "stages", "segments"):
        values[name] = [str(v) for v in form.getlist(name) if str(v).strip()]
    return values


def _need_input(values: dict) -> dict:
    return {name: value for name, value in values.items() if not (name == "code" and value == "")}


def _shown(value):
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return value if isinstance(value, list) else str(value)


def _saving(errors: dict, write):
    try:
        return write()
    except ValidationError as exc:
        for problem in exc.errors:
            name = "owner" if problem["field"] == "owner_id" else problem["field"]
            errors.setdefault(name, problem["message"])
    return None


# --- matches of an outcome, and feedback ------------------------------------------------

@router.get("/outcomes/{outcome_id:int}/matches")
def outcome_matches(request: Request, outcome_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    outcome = library.get_outcome(session, outcome_id)
    require_visible(auth.viewer, outcome)
    return render(request, "matching/outcome_matches.html", {
        "outcome": outcome, "matches": match_outcome(session, outcome, auth.viewer)})


@router.post("/match-feedback")
def give_feedback(form: FormData = FormDep, session: Session = SessionDep, auth: Auth = PageAuthDep):
    outcome_id = _int(form.get("outcome_id"), None)
    if outcome_id is None:
        raise NotFound("outcome not found / 成果不存在")
    feedback.record(session, auth.viewer, text(form, "verdict"), outcome_id,
                    _int(form.get("need_id"), None), _int(form.get("organization_id"), None), text(form, "note"))
    back = safe_next(text(form, "next")) if text(form, "next") else f"/outcomes/{outcome_id}/matches"
    return redirect(back, notice="feedback")
