"""Pages of the outcome library: list, detail (redacted to the summary where the detail is not
yours to read), new, edit, delete, history, diff and restore. Every write goes through
library.actions, which checks who may do it and records it in the audit trail."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.accounts import access
from medbridge.accounts.policy import SUMMARY_FIELDS, Viewer, can_manage, require_manage, require_visible
from medbridge.api.deps import Auth
from medbridge.errors import Forbidden, NotFound, ValidationError
from medbridge.library import actions, service
from medbridge.library.models import Outcome
from medbridge.registry import service as registry
from medbridge.web import forms
from medbridge.accounts.policy import manages_any, require_some_office
from medbridge.web.common import (FormDep, PageAuthDep, SORT_CHOICES, SessionDep, client_address, current_lang,
                                  filters_query, has_filters, outcome_filters, page_numbers,
                                  page_router, reason_of, redirect, render)
from medbridge.web.display import DETAIL_FIELDS, as_seen, field_label, field_provenance, show
from medbridge.web.i18n import translate

router = page_router()

RECENT_HISTORY = 5


@router.get("/outcomes")
def outcome_list(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    filters = outcome_filters(request.query_params)
    page = service.list_outcomes(session, filters, auth.viewer)
    organizations, _ = registry.list_organizations(session, per_page=1000)
    return render(request, "outcomes/list.html", {
        "page": page, "filters": filters, "query": lambda **o: filters_query(filters, **o),
        "page_numbers": page_numbers(page), "filtered": has_filters(filters),
        "has_demo": bool(service.facet_counts(session, filters, "is_demo", auth.viewer)),
        "organizations": organizations, "regions": registry.regions(session), "sort_choices": SORT_CHOICES,
    })


@router.get("/outcomes/new")
def new_outcome_form(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_some_office(auth.viewer)
    values = forms.blank_form()
    values["owner"] = _only_managed_organization(session, auth.viewer)
    return _form_page(request, session, None, values, {})


@router.post("/outcomes/new")
def create_outcome(request: Request, form: FormData = FormDep, session: Session = SessionDep,
                   auth: Auth = PageAuthDep):
    require_some_office(auth.viewer)
    values = forms.form_from_post(form)
    suggested = str(form.get("suggested_field") or "")
    if form.get("action") == "suggest":
        return _suggest(request, session, values, form)
    reason, errors = reason_of(form, current_lang(request))
    data = forms.keep_suggested_provenance(values, forms.outcome_input(values), suggested)
    outcome = None
    if not errors:
        outcome = _saving(errors, lambda: actions.create(session, auth.viewer, data, reason))
    else:
        _saving(errors, lambda: service.prepare_new_outcome(session, data))  # show every problem at once
    if errors:
        return _form_page(request, session, None, values, errors, form, suggested=suggested)
    return redirect(f"/outcomes/{outcome.id}", notice="created")


@router.get("/outcomes/{outcome_id:int}")
def outcome_detail(request: Request, outcome_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    outcome, level = actions.view(session, auth.viewer, outcome_id, client=client_address(request))
    return detail_page(request, session, auth.viewer, outcome, level)


@router.get("/outcomes/{outcome_id:int}/edit")
def edit_outcome_form(request: Request, outcome_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    outcome = managed_outcome(session, auth.viewer, outcome_id)
    return _form_page(request, session, outcome, forms.form_from_outcome(outcome, current_lang(request)), {})


@router.post("/outcomes/{outcome_id:int}/edit")
def update_outcome(request: Request, outcome_id: int, form: FormData = FormDep, session: Session = SessionDep,
                   auth: Auth = PageAuthDep):
    outcome = managed_outcome(session, auth.viewer, outcome_id)
    values = forms.form_from_post(form)
    reason, errors = reason_of(form, current_lang(request))
    data = forms.outcome_input(values)
    changed = False
    if not errors:
        changed = _saving(errors, lambda: actions.update(session, auth.viewer, outcome, data, reason))
    else:
        _saving(errors, lambda: service.prepare_changes(session, outcome, data))
    if errors:
        return _form_page(request, session, outcome, values, errors, form)
    return redirect(f"/outcomes/{outcome.id}", notice="saved" if changed else "unchanged")


@router.post("/outcomes/{outcome_id:int}/delete")
def delete_outcome(request: Request, outcome_id: int, form: FormData = FormDep, session: Session = SessionDep,
                   auth: Auth = PageAuthDep):
    actions.delete(session, auth.viewer, managed_outcome(session, auth.viewer, outcome_id))
    return redirect("/outcomes", notice="deleted")


@router.get("/outcomes/{outcome_id:int}/history")
def outcome_history(request: Request, outcome_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    outcome, versions = actions.versions(session, auth.viewer, outcome_id)
    return render(request, "outcomes/history.html", {
        "outcome": outcome, "can_manage": can_manage(auth.viewer, outcome.owner_id),
        "history": history_entries(session, versions, current_lang(request))})


@router.get("/outcomes/{outcome_id:int}/diff")
def outcome_diff(request: Request, outcome_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    outcome = actions.require_detail(session, auth.viewer, outcome_id)
    b = _version_number(request.query_params.get("b"), outcome.version)
    a = _version_number(request.query_params.get("a"), max(1, b - 1))
    before, after = service.get_version(session, outcome, a), service.get_version(session, outcome, b)
    return render(request, "outcomes/diff.html", {
        "outcome": outcome, "a": a, "b": b, "before": before, "after": after,
        "can_manage": can_manage(auth.viewer, outcome.owner_id),
        "changes": _changes(session, before.snapshot, after.snapshot, current_lang(request)),
    })


@router.get("/outcomes/{outcome_id:int}/restore/{number:int}")
def restore_confirm(request: Request, outcome_id: int, number: int, session: Session = SessionDep,
                    auth: Auth = PageAuthDep):
    outcome = managed_outcome(session, auth.viewer, outcome_id)
    return _restore_page(request, session, outcome, number, {})


@router.post("/outcomes/{outcome_id:int}/restore/{number:int}")
def restore_version(request: Request, outcome_id: int, number: int, form: FormData = FormDep,
                    session: Session = SessionDep, auth: Auth = PageAuthDep):
    outcome = managed_outcome(session, auth.viewer, outcome_id)
    reason, errors = reason_of(form, current_lang(request))
    changed = False
    if not errors:
        try:
            changed = actions.restore(session, auth.viewer, outcome, number, reason)
        except ValidationError as exc:
            errors = {e["field"]: e["message"] for e in exc.errors}
    if errors:
        return _restore_page(request, session, outcome, number, errors, form)
    return redirect(f"/outcomes/{outcome.id}", notice="restored" if changed else "restore_unchanged")


# --- shared with the access pages -------------------------------------------------------

def managed_outcome(session: Session, viewer: Viewer, outcome_id: int) -> Outcome:
    """An outcome this person may change. One they may not even see is "not found", so that
    its existence does not leak; one they see but do not manage is forbidden."""
    outcome = service.get_outcome(session, outcome_id)
    require_visible(viewer, outcome)
    require_manage(viewer, outcome.owner_id)
    return outcome


def detail_page(request: Request, session: Session, viewer: Viewer, outcome: Outcome, level: str,
                errors: dict[str, str] | None = None, posted: FormData | None = None, status_code: int = 200):
    """One outcome at the level policy.detail_level decided: everything, or the summary fields,
    a notice and a request form. Its owner also sees who was given access."""
    lang = current_lang(request)
    full = level == "full"
    names = DETAIL_FIELDS if full else [name for name in DETAIL_FIELDS if name in SUMMARY_FIELDS]
    manages = can_manage(viewer, outcome.owner_id)
    return render(request, "outcomes/detail.html", {
        "outcome": as_seen(outcome, level), "level": level, "can_manage": manages,
        "details": [(field_label(name, lang), _show(outcome, name, lang)) for name in names],
        "provenance": field_provenance(outcome, lang) if full else "",
        "history": history_entries(session, actions.versions(session, viewer, outcome.id)[1], lang)[:RECENT_HISTORY]
        if full else [],
        "grants": access.grants_for_outcome(session, viewer, outcome) if manages else [],
        "my_request": None if full else _my_request(session, viewer, outcome),
        "errors": errors or {}, "posted": posted,
    }, status_code=status_code)


def _my_request(session: Session, viewer: Viewer, outcome: Outcome):
    """This person's latest request for the outcome's detail, if any."""
    return next((g for g in access.my_requests(session, viewer)
                 if g.outcome_id == outcome.id and g.user_id == viewer.user_id), None)


# --- helpers ----------------------------------------------------------------------------

def _saving(errors: dict[str, str], write):
    """Run a write; its validation problems (and a refusal to write for that owner) go to the form."""
    try:
        return write()
    except ValidationError as exc:
        errors.update(forms.errors_by_input(exc.errors))
    except Forbidden as exc:
        if exc.status == 401:
            raise
        errors["owner"] = str(exc)  # the one refusal left once the form is shown: someone else's organization
    return None


def _only_managed_organization(session: Session, viewer: Viewer) -> str:
    """The owner to fill in for an office that manages exactly one organization."""
    if viewer.is_admin or len(viewer.managed_organizations) != 1:
        return ""
    [org_id] = viewer.managed_organizations
    try:
        return registry.get_organization(session, org_id).name
    except NotFound:
        return ""


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
    special = {"owner": lambda: field_label("owner_id", lang), "reason": lambda: translate("reason_label", lang)}
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


def history_entries(session: Session, versions: list, lang: str) -> list[dict]:
    """Each version (newest first), with what it changed compared to the one before."""
    entries = []
    for version, previous in zip(versions, [*versions[1:], None]):
        changes = _changes(session, previous.snapshot, version.snapshot, lang) if previous else None
        entries.append({"version": version, "changes": changes})
    return entries
