"""Access to the detail of restricted outcomes: requests, decisions, direct grants, revocation.

The owner's tech-transfer office (or an admin) decides; every step is in the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.models import AccessGrant, User
from medbridge.accounts.policy import Viewer, detail_level, require_manage, require_signed_in, require_visible
from medbridge.db.base import utcnow
from medbridge.errors import NotFound, ValidationError
from medbridge.library.models import Outcome
from medbridge.registry.models import Organization


def request_access(session: Session, viewer: Viewer, outcome: Outcome, message: str = "") -> AccessGrant:
    require_signed_in(viewer)
    require_visible(viewer, outcome)
    if detail_level(viewer, outcome) == "full":
        raise ValidationError([{"field": "outcome", "message": "您已可查看详情 / you can already see the detail"}])
    pending = session.scalar(select(AccessGrant).where(
        AccessGrant.outcome_id == outcome.id, AccessGrant.user_id == viewer.user_id,
        AccessGrant.status == "requested"))
    if pending:
        raise ValidationError([{"field": "outcome", "message": "申请已提交，等待审批 / a request is already waiting"}])
    grant = AccessGrant(outcome_id=outcome.id, user_id=viewer.user_id, status="requested",
                        message=(message or "").strip()[:2000], requested_by_id=viewer.user_id)
    session.add(grant)
    session.flush()
    audit.record(session, viewer, "access.request", "outcome", outcome.id, grant=grant.id)
    return grant


def decide(session: Session, viewer: Viewer, grant: AccessGrant, approve: bool, nda_reference: str = "",
           expires_at: datetime | None = None, note: str = "") -> AccessGrant:
    outcome = session.get(Outcome, grant.outcome_id)
    require_manage(viewer, outcome.owner_id)
    if grant.status != "requested":
        raise ValidationError([{"field": "status", "message": f"该申请已处理（{grant.status}）/ already decided"}])
    _check_expiry(expires_at)
    grant.status = "granted" if approve else "refused"
    grant.nda_reference, grant.expires_at = nda_reference.strip()[:200], expires_at
    grant.decision_note, grant.decided_by_id, grant.decided_at = note.strip()[:2000], viewer.user_id, utcnow()
    session.flush()
    audit.record(session, viewer, "access.grant" if approve else "access.refuse", "outcome", outcome.id,
                 grant=grant.id, nda=grant.nda_reference, expires_at=str(expires_at or ""))
    return grant


def grant_directly(session: Session, viewer: Viewer, outcome: Outcome, user: User | None = None,
                   organization: Organization | None = None, nda_reference: str = "",
                   expires_at: datetime | None = None, note: str = "") -> AccessGrant:
    """The owner opens the detail to a user or a whole organization without a request."""
    require_manage(viewer, outcome.owner_id)
    if (user is None) == (organization is None):
        raise ValidationError([{"field": "grantee", "message": "指定一个用户或一个机构 / name one user or one organization"}])
    _check_expiry(expires_at)
    grant = AccessGrant(outcome_id=outcome.id, user_id=user.id if user else None,
                        organization_id=organization.id if organization else None, status="granted",
                        nda_reference=nda_reference.strip()[:200], expires_at=expires_at,
                        decision_note=note.strip()[:2000], decided_by_id=viewer.user_id, decided_at=utcnow())
    session.add(grant)
    session.flush()
    audit.record(session, viewer, "access.grant", "outcome", outcome.id, grant=grant.id,
                 user=user.username if user else None, organization=organization.name if organization else None)
    return grant


def revoke(session: Session, viewer: Viewer, grant: AccessGrant) -> AccessGrant:
    outcome = session.get(Outcome, grant.outcome_id)
    require_manage(viewer, outcome.owner_id)
    if grant.status != "granted":
        raise ValidationError([{"field": "status", "message": "只能撤销已批准的授权 / only a granted access can be revoked"}])
    grant.status, grant.decided_by_id, grant.decided_at = "revoked", viewer.user_id, utcnow()
    session.flush()
    audit.record(session, viewer, "access.revoke", "outcome", outcome.id, grant=grant.id)
    return grant


def get_grant(session: Session, grant_id: int) -> AccessGrant:
    grant = session.get(AccessGrant, grant_id)
    if grant is None:
        raise NotFound(f"access request {grant_id} not found / 申请不存在")
    return grant


def grants_to_decide(session: Session, viewer: Viewer, status: str = "requested") -> list[AccessGrant]:
    """Requests (or grants) on the outcomes this person's office manages."""
    query = select(AccessGrant).join(Outcome, Outcome.id == AccessGrant.outcome_id)
    if not viewer.is_admin:
        if not viewer.managed_organizations:
            return []
        query = query.where(Outcome.owner_id.in_(viewer.managed_organizations))
    if status:
        query = query.where(AccessGrant.status == status)
    return list(session.scalars(query.order_by(AccessGrant.created_at.desc())))


def my_requests(session: Session, viewer: Viewer) -> list[AccessGrant]:
    if viewer.user_id is None:
        return []
    holder = AccessGrant.user_id == viewer.user_id
    if viewer.organizations:
        holder = or_(holder, AccessGrant.organization_id.in_(viewer.organizations))
    return list(session.scalars(select(AccessGrant).where(holder).order_by(AccessGrant.created_at.desc())))


def grants_for_outcome(session: Session, viewer: Viewer, outcome: Outcome) -> list[AccessGrant]:
    require_manage(viewer, outcome.owner_id)
    return list(session.scalars(select(AccessGrant).where(AccessGrant.outcome_id == outcome.id)
                                .order_by(AccessGrant.created_at.desc())))


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= utcnow():
        raise ValidationError([{"field": "expires_at", "message": "到期时间须在将来 / the expiry must be in the future"}])
