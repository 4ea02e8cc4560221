"""Pages of the outcome library: list, detail, new, edit, history, diff and restore."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.errors import NotFound, ValidationError
from medbridge.library import service
from medbridge.library.fields import clean_outcome_fields
from medbridge.library.models import Outcome
from medbridge.registry import service as registry
from medbridge.web import forms
from medbridge.web.common import (FormDep, PageRoute, SORT_CHOICES, SessionDep, author_and_reason, current_lang,
                                  filters_query, has_filters, outcome_filters, page_numbers, redirect,
                                  remember_author, render)
from medbridge.web.i18n import translate
from medbridge.web.display import DETAIL_FIELDS, field_label, field_provenance, show

router = APIRouter(route_class=PageRoute, include_in_schema=False)

RECENT_HISTORY = 5


@router.get("/outcomes")
def outcome_list(request: Request, session: Session = SessionDep):
    filters = outcome_filters(request.query_params)
    page = service.list_outcomes(session, filters)
    organizations, _ = registry.list_organizations(session, per_page=1000)
    return render(request, "outcomes/list.html", {
        "page": page, "filters": filters, "query": lambda **o: filters_query(filters, **o),
        "page_numbers": page_numbers(page), "filtered": has_filters(filters),
        "has_demo": bool(service.facet_counts(session, filters, "is_demo")), "organizations": organizations,
        "regions": registry.regions(session), "sort_choices": SORT_CHOICES,
    })


@router.get("/outcomes/new")
def new_outcome_form(request: Request, session: Session = SessionDep):
    return _form_page(request, session, None, forms.blank_form(), {})


@router.post("/outcomes/new")
def create_outcome(request: Request, form: FormData = FormDep, session: Session = SessionDep):
    lang = current_lang(request)
    values = forms.form_from_post(form)
    suggested = str(form.get("suggested_field") or "")
    if form.get("action") == "suggest":
        return _suggest(request, session, values, form)
    author, reason, errors = author_and_reason(form, lang)
    data = forms.keep_suggested_provenance(values, forms.outcome_input(values), suggested)
    try:
        clean = service.prepare_new_outcome(session, data)
    except ValidationError as exc:
        errors.update(forms.errors_by_input(exc.errors))
    if errors:
        return _form_page(request, session, None, values, errors, form, suggested=suggested)
    outcome = service.insert_outcome(session, clean, author, reason or "新建 / created")
    return remember_author(redirect(f"/outcomes/{outcome.id}", notice="created"), author)


@router.get("/outcomes/{outcome_id:int}")
def outcome_detail(request: Request, outcome_id: int, session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    lang = current_lang(request)
    return render(request, "outcomes/detail.html", {
        "outcome": outcome, "details": [(field_label(n, lang), _show(outcome, n, lang)) for n in DETAIL_FIELDS],
        "provenance": field_provenance(outcome, lang),
        "history": history_entries(session, outcome, lang)[:RECENT_HISTORY],
    })


@router.get("/outcomes/{outcome_id:int}/edit")
def edit_outcome_form(request: Request, outcome_id: int, session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    return _form_page(request, session, outcome, forms.form_from_outcome(outcome, current_lang(request)), {})


@router.post("/outcomes/{outcome_id:int}/edit")
def update_outcome(request: Request, outcome_id: int, form: FormData = FormDep, session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    values = forms.form_from_post(form)
    author, reason, errors = author_and_reason(form, current_lang(request))
    data = forms.outcome_input(values)
    if errors:
        # Nothing may be written without a name, but the other problems are worth showing now too.
        _, field_errors = clean_outcome_fields(service.resolve_owner(session, data))
        errors.update(forms.errors_by_input(field_errors))
    else:
        try:
            changed = service.update_outcome(session, outcome, data, author, reason)
        except ValidationError as exc:
            errors.update(forms.errors_by_input(exc.errors))
    if errors:
        return _form_page(request, session, outcome, values, errors, form)
    return remember_author(redirect(f"/outcomes/{outcome.id}", notice="saved" if changed else "unchanged"), author)


@router.get("/outcomes/{outcome_id:int}/history")
def outcome_history(request: Request, outcome_id: int, session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    return render(request, "outcomes/history.html", {
        "outcome": outcome, "history": history_entries(session, outcome, current_lang(request))})


@router.get("/outcomes/{outcome_id:int}/diff")
def outcome_diff(request: Request, outcome_id: int, session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    b = _version_number(request.query_params.get("b"), outcome.version)
    a = _version_number(request.query_params.get("a"), max(1, b - 1))
    before, after = service.get_version(session, outcome, a), service.get_version(session, outcome, b)
    return render(request, "outcomes/diff.html", {
        "outcome": outcome, "a": a, "b": b, "before": before, "after": after,
        "changes": _changes(session, before.snapshot, after.snapshot, current_lang(request)),
    })


@router.get("/outcomes/{outcome_id:int}/restore/{number:int}")
def restore_confirm(request: Request, outcome_id: int, number: int, session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    return _restore_page(request, session, outcome, number, {})


@router.post("/outcomes/{outcome_id:int}/restore/{number:int}")
def restore_version(request: Request, outcome_id: int, number: int, form: FormData = FormDep,
                    session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    author, reason, errors = author_and_reason(form, current_lang(request))
    if not errors:
        try:
            changed = service.restore_version(session, outcome, number, author, reason)
        except ValidationError as exc:
            errors = {e["field"]: e["message"] for e in exc.errors}
    if errors:
        return _restore_page(request, session, outcome, number, errors, form)
    notice = "restored" if changed else "restore_unchanged"
    return remember_author(redirect(f"/outcomes/{outcome.id}", notice=notice), author)


# --- helpers ----------------------------------------------------------------------------

def _form_page(request: Request, session: Session, outcome: Outcome | None, values: dict,
               errors: dict[str, str], posted: FormData | None = None, suggested: str = "", suggestion=None):
    """The new/edit form; after an error it shows exactly what was posted, next to each problem."""
    lang = current_lang(request)
    organizations, _ = registry.list_organizations(session, per_page=1000)
    return render(request, "outcomes/form.html", {
        "outcome": outcome, "values": values, "errors": errors, "suggested": suggested,
        "suggestion": suggestion, "posted": posted, "organizations": organizations,
        "flabel": lambda name: _input_label(name, lang),
    }, status_code=422 if errors else 200)


def _input_label(name: str, lang: str) -> str:
    special = {"owner": lambda: field_label("owner_id", lang), "author": lambda: translate("your_name", lang),
               "reason": lambda: translate("reason_label", lang)}
    return special[name]() if name in special else field_label(name, lang)


def _suggest(request: Request, session: Session, values: dict, form: FormData):
    """The "suggest field" helper: show what the classifier thinks, and fill the field if empty."""
    suggestion = forms.field_suggestion(values)
    suggested = str(form.get("suggested_field") or "")
    if suggestion.key and values["field"] in ("", suggested):
        values["field"] = suggested = suggestion.key
    return _form_page(request, session, None, values, {}, form, suggested=suggested, suggestion=suggestion)


def _restore_page(request: Request, session: Session, outcome: Outcome, number: int, errors: dict,
                  form: FormData | None = None):
    old = service.get_version(session, outcome, number)
    current = service.get_version(session, outcome, outcome.version)
    return render(request, "outcomes/restore.html", {
        "outcome": outcome, "number": number, "old": old, "errors": errors,
        "posted": form,
        "changes": _changes(session, current.snapshot, old.snapshot, current_lang(request)),
    }, status_code=422 if errors else 200)


def _version_number(text: str | None, default: int) -> int:
    if text in (None, ""):
        return default
    if not str(text).isdigit():
        raise NotFound(f"no version {text} / 无此版本")
    return int(text)


def _show(outcome: Outcome, name: str, lang: str) -> str:
    if name == "owner_id":
        return outcome.owner.name if outcome.owner else show(name, outcome.owner_id, lang)
    return show(name, getattr(outcome, name), lang)


def organization_names(session: Session, ids) -> dict[int, str]:
    names = {}
    for org_id in {i for i in ids if isinstance(i, int)}:
        try:
            names[org_id] = registry.get_organization(session, org_id).name
        except NotFound:
            pass
    return names


def _changes(session: Session, before: dict, after: dict, lang: str) -> list[dict]:
    diff = service.diff_snapshots(before, after)
    names = organization_names(session, [before.get("owner_id"), after.get("owner_id")])
    return [{"field": field_label(d["field"], lang), "before": show(d["field"], d["before"], lang, names),
             "after": show(d["field"], d["after"], lang, names)} for d in diff]


def history_entries(session: Session, outcome: Outcome, lang: str) -> list[dict]:
    """Each version, newest first, with what it changed compared to the one before."""
    versions = service.list_versions(session, outcome)
    entries = []
    for version, previous in zip(versions, [*versions[1:], None]):
        changes = _changes(session, previous.snapshot, version.snapshot, lang) if previous else None
        entries.append({"version": version, "changes": changes})
    return entries
