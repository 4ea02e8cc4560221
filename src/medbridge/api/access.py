"""Access to the detail of restricted outcomes: requests, decisions, direct grants, revocation.

Anyone signed in may ask; the owner's tech-transfer office (or an admin) decides, grants and
revokes. Every step is in the audit trail (see accounts.access).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts import access
from medbridge.accounts.models import AccessGrant, User
from medbridge.accounts.policy import Viewer, detail_level, require_manage, require_visible
from medbridge.api import schemas
from medbridge.api.deps import Auth, SessionDep, SignedInDep, WriterDep
from medbridge.api.params import Id, QueryChecks
from medbridge.api.schemas import INVALID_INPUT
from medbridge.api.views import grant_views, naive_utc
from medbridge.errors import NotFound, ValidationError
from medbridge.library import service
from medbridge.library.models import Outcome
from medbridge.registry.service import find_organization

router = APIRouter(prefix="/api", tags=["access 查看权限"], responses=INVALID_INPUT, dependencies=QueryChecks)

ERRORS = {401: {"model": schemas.ErrorResponse, "description": "not signed in"},
          403: {"model": schemas.ErrorResponse, "description": "not the owner's office or an admin"},
          404: {"model": schemas.ErrorResponse}, 422: {"model": schemas.ErrorResponse}}


def _visible_outcome(session: Session, viewer: Viewer, outcome_id: int) -> Outcome:
    outcome = service.get_outcome(session, outcome_id)
    require_visible(viewer, outcome)
    return outcome


def _grant(session: Session, viewer: Viewer, grant_id: int) -> AccessGrant:
    """A grant on an outcome the caller may know exists; otherwise it does not exist either."""
    grant = access.get_grant(session, grant_id)
    outcome = session.get(Outcome, grant.outcome_id)
    if outcome is None or detail_level(viewer, outcome) == "hidden":
        raise NotFound(f"access request {grant_id} not found / 申请不存在")
    return grant


@router.post("/outcomes/{outcome_id:int}/access-requests", response_model=schemas.GrantOut, status_code=201,
             summary="Ask the owner for access to the detail 申请查看详情", responses=ERRORS)
def request_access(outcome_id: Id, body: schemas.AccessRequestIn, session: Session = SessionDep,
                   auth: Auth = WriterDep):
    outcome = _visible_outcome(session, auth.viewer, outcome_id)
    grant = access.request_access(session, auth.viewer, outcome, body.message)
    return grant_views(session, auth.viewer, [grant])[0]


@router.get("/access-requests", response_model=schemas.AccessRequestsOut,
            summary="My requests and grants, and the requests I decide 我的申请与待审批",
            description="`mine`: requests I made and access granted to me or my organizations. "
                        "`to_decide`: requests (or, with `status`, grants) on outcomes my office manages.",
            responses={401: {"model": schemas.ErrorResponse}})
def list_access_requests(status: Literal["requested", "granted", "refused", "revoked", "all"] = "requested",
                         session: Session = SessionDep, auth: Auth = SignedInDep):
    viewer = auth.viewer
    to_decide = access.grants_to_decide(session, viewer, "" if status == "all" else status)
    return {"mine": grant_views(session, viewer, access.my_requests(session, viewer)),
            "to_decide": grant_views(session, viewer, to_decide)}


@router.post("/access-requests/{grant_id:int}/decision", response_model=schemas.GrantOut,
             summary="Approve or refuse a request 审批申请", responses=ERRORS)
def decide(grant_id: Id, body: schemas.DecisionIn, session: Session = SessionDep, auth: Auth = WriterDep):
    grant = _grant(session, auth.viewer, grant_id)
    access.decide(session, auth.viewer, grant, body.approve, nda_reference=body.nda_reference,
                  expires_at=naive_utc(body.expires_at, "expires_at"), note=body.note)
    return grant_views(session, auth.viewer, [grant])[0]


@router.get("/outcomes/{outcome_id:int}/grants", response_model=list[schemas.GrantOut],
            summary="Requests and grants on one outcome (owner) 成果的授权", responses=ERRORS)
def list_grants(outcome_id: Id, session: Session = SessionDep, auth: Auth = SignedInDep):
    outcome = _visible_outcome(session, auth.viewer, outcome_id)
    return grant_views(session, auth.viewer, access.grants_for_outcome(session, auth.viewer, outcome))


@router.post("/outcomes/{outcome_id:int}/grants", response_model=schemas.GrantOut, status_code=201,
             summary="Open the detail to a user or an organization 直接授权", responses=ERRORS)
def grant_directly(outcome_id: Id, body: schemas.GrantIn, session: Session = SessionDep, auth: Auth = WriterDep):
    outcome = _visible_outcome(session, auth.viewer, outcome_id)
    require_manage(auth.viewer, outcome.owner_id)  # before looking anyone up, so strangers learn nothing
    user = organization = None
    errors = []
    if body.username not in (None, ""):
        user = session.scalar(select(User).where(User.username == body.username.strip()))
        if user is None:
            errors.append({"field": "username", "message": f"用户“{body.username}”不存在 / no such user"})
    if body.organization not in (None, ""):
        organization = find_organization(session, body.organization)
        if organization is None:
            errors.append({"field": "organization", "message": f"机构“{body.organization}”不存在 / no such organization"})
    if errors:
        raise ValidationError(errors)
    grant = access.grant_directly(session, auth.viewer, outcome, user=user, organization=organization,
                                  nda_reference=body.nda_reference,
                                  expires_at=naive_utc(body.expires_at, "expires_at"), note=body.note)
    return grant_views(session, auth.viewer, [grant])[0]


@router.post("/grants/{grant_id:int}/revoke", response_model=schemas.GrantOut, summary="Revoke a grant 撤销授权",
             responses=ERRORS)
def revoke(grant_id: Id, session: Session = SessionDep, auth: Auth = WriterDep):
    grant = _grant(session, auth.viewer, grant_id)
    access.revoke(session, auth.viewer, grant)
    return grant_views(session, auth.viewer, [grant])[0]
