"""Access to the detail of restricted outcomes: request it from the outcome page; the owner's
tech-transfer office approves (with an NDA reference and an optional expiry) or refuses in its
inbox, grants directly to a user or an organization, and revokes from the outcome page."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.accounts import access
from medbridge.accounts import service as accounts
from medbridge.accounts.models import AccessGrant
from medbridge.accounts.policy import Viewer, detail_level, require_signed_in, require_visible
from medbridge.api.deps import Auth
from medbridge.db.base import utcnow
from medbridge.errors import NotFound, ValidationError
from medbridge.library import service
from medbridge.library.models import Outcome
from medbridge.registry.service import find_organization
from medbridge.accounts.policy import manages_any, require_some_office
from medbridge.web.common import (FormDep, PageAuthDep, SessionDep, current_lang, end_of_day,
                                  page_router, parse_day, redirect, render, text)
from medbridge.web.i18n import translate
from medbridge.web.outcomes import detail_page, managed_outcome

router = page_router()


@router.get("/access")
def inbox(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_signed_in(auth.viewer)
    return _inbox(request, session, auth.viewer)


@router.post("/outcomes/{outcome_id:int}/access")
def request_access(request: Request, outcome_id: int, form: FormData = FormDep, session: Session = SessionDep,
                   auth: Auth = PageAuthDep):
    outcome = service.get_outcome(session, outcome_id)
    try:
        access.request_access(session, auth.viewer, outcome, text(form, "message", 2000))
    except ValidationError as exc:
        return _outcome_again(request, session, auth.viewer, outcome, exc, form)
    return redirect(f"/outcomes/{outcome.id}", notice="access_requested")


@router.post("/access/{grant_id:int}/decide")
def decide(request: Request, grant_id: int, form: FormData = FormDep, session: Session = SessionDep,
           auth: Auth = PageAuthDep):
    grant = access.get_grant(session, grant_id)
    approve = form.get("decision") == "approve"
    try:
        access.decide(session, auth.viewer, grant, approve, nda_reference=text(form, "nda_reference", 200),
                      expires_at=_expiry(form, current_lang(request)), note=text(form, "note", 2000))
    except ValidationError as exc:
        return _inbox(request, session, auth.viewer, {grant.id: _messages(exc)}, form, status_code=422)
    return redirect("/access", notice="access_granted" if approve else "access_refused")


@router.post("/access/{grant_id:int}/revoke")
def revoke(request: Request, grant_id: int, form: FormData = FormDep, session: Session = SessionDep,
           auth: Auth = PageAuthDep):
    grant = access.get_grant(session, grant_id)
    outcome = managed_outcome(session, auth.viewer, grant.outcome_id)
    try:
        access.revoke(session, auth.viewer, grant)
    except ValidationError as exc:
        return _outcome_again(request, session, auth.viewer, outcome, exc, form)
    return redirect(f"/outcomes/{outcome.id}", notice="access_revoked")


@router.post("/outcomes/{outcome_id:int}/grants")
def grant_directly(request: Request, outcome_id: int, form: FormData = FormDep, session: Session = SessionDep,
                   auth: Auth = PageAuthDep):
    outcome = managed_outcome(session, auth.viewer, outcome_id)
    lang = current_lang(request)
    try:
        user, organization = _grantee(session, form, lang)
        access.grant_directly(session, auth.viewer, outcome, user=user, organization=organization,
                              nda_reference=text(form, "nda_reference", 200), expires_at=_expiry(form, lang),
                              note=text(form, "note", 2000))
    except ValidationError as exc:
        return _outcome_again(request, session, auth.viewer, outcome, exc, form)
    return redirect(f"/outcomes/{outcome.id}", notice="access_granted")


# --- helpers ----------------------------------------------------------------------------

def _grantee(session: Session, form: FormData, lang: str):
    """(user, None) or (None, organization), from the name typed in the direct-grant form."""
    name = text(form, "grantee", 200)
    if not name:
        raise ValidationError([{"field": "grantee", "message": translate("grantee_required", lang)}])
    if form.get("grantee_type") == "organization":
        organization = find_organization(session, name)
        if organization is None:
            raise ValidationError([{"field": "grantee", "message": translate("no_such_organization", lang, name=name)}])
        return None, organization
    try:
        return accounts.get_user(session, name), None
    except NotFound:
        raise ValidationError([{"field": "grantee", "message": translate("no_such_user", lang, name=name)}]) from None


def _expiry(form: FormData, lang: str):
    try:
        return end_of_day(parse_day(text(form, "expires")))
    except ValueError:
        raise ValidationError([{"field": "expires_at", "message": translate("bad_date", lang)}]) from None


def _messages(exc: ValidationError) -> str:
    return "; ".join(e["message"] for e in exc.errors)


def _outcome_again(request: Request, session: Session, viewer: Viewer, outcome, exc: ValidationError,
                   form: FormData):
    """The outcome page again, with what went wrong next to the access forms (not a view: not audited)."""
    level = require_visible(viewer, outcome)
    return detail_page(request, session, viewer, outcome, level, {"access": _messages(exc)}, form, status_code=422)


def _inbox(request: Request, session: Session, viewer: Viewer, errors: dict[int, str] | None = None,
           posted: FormData | None = None, status_code: int = 200):
    """Requests waiting for this person's office, and this person's own requests and grants."""
    pending = [(grant, service.get_outcome(session, grant.outcome_id))
               for grant in access.grants_to_decide(session, viewer)]
    return render(request, "access.html", {
        "pending": pending, "mine": _mine(session, viewer), "errors": errors or {}, "posted": posted,
        "status_of": status_of,
        "decides": manages_any(viewer),
    }, status_code=status_code)


def status_of(grant: AccessGrant) -> str:
    """requested, granted, refused, revoked, or expired (a grant past its end date)."""
    if grant.status == "granted" and grant.expires_at is not None and grant.expires_at <= utcnow():
        return "expired"
    return grant.status


def _mine(session: Session, viewer: Viewer) -> list[tuple[AccessGrant, object]]:
    """This person's requests and grants, on outcomes they can still see (a request on an outcome
    since made confidential is not theirs to know about any more)."""
    rows = []
    for grant in access.my_requests(session, viewer):
        outcome = session.get(Outcome, grant.outcome_id)
        if outcome is not None and detail_level(viewer, outcome) != "hidden":
            rows.append((grant, outcome))
    return rows
