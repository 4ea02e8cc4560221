"""What a person may do to the chain data, checked and audited (the API, pages and CLI call these).

Who may place an organization (confirm, reject, place by hand, attach to a park): an
administrator; the organization's own tech-transfer office or operator; or the operator of
the park the organization sits in (park operators keep their enterprise lists). Editing the
taxonomy is for administrators; cluster figures for administrators and park operators.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import Viewer, require_admin, require_signed_in
from medbridge.chain import figures, placement, taxonomy
from medbridge.chain.models import ChainPlacement, ChainTaxonomy, ClusterFigure, ParkTenant
from medbridge.errors import Forbidden, NotFound, ValidationError
from medbridge.registry.models import Organization
from medbridge.registry.service import get_organization

PLACING_ROLES = ("tto", "operator")


def park_of(session: Session, org_id: int) -> int | None:
    return session.scalar(select(ParkTenant.park_id).where(ParkTenant.organization_id == org_id))


def can_place(session: Session, viewer: Viewer, org_id: int) -> bool:
    if viewer.is_admin:
        return True
    held = {(role, org) for role, org in viewer.roles}
    if any((role, org_id) in held for role in PLACING_ROLES):
        return True
    park = park_of(session, org_id)
    return park is not None and ("operator", park) in held


def require_place(session: Session, viewer: Viewer, org_id: int) -> None:
    require_signed_in(viewer)
    if not can_place(session, viewer, org_id):
        raise Forbidden("只有管理员、该机构的成果转化办公室/运营方或其所在园区的运营方可以这样做 / only an "
                        "administrator, the organization's own office or operator, or its park's operator may do this")


def can_enter_figures(viewer: Viewer) -> bool:
    return viewer.is_admin or viewer.has_role("operator")


def require_figures(viewer: Viewer) -> None:
    require_signed_in(viewer)
    if not can_enter_figures(viewer):
        raise Forbidden("只有管理员或园区运营方可以录入产业数据 / only administrators and park operators enter figures")


def save_taxonomy(session: Session, viewer: Viewer, data: Any, reason: str = "") -> ChainTaxonomy:
    require_admin(viewer)
    row = taxonomy.save(session, data, viewer.username, reason)
    audit.record(session, viewer, "chain.taxonomy.save", "chain_taxonomy", row.version)
    return row


def refresh_suggestions(session: Session, viewer: Viewer, org_ids: list[int] | None = None) -> dict[str, int]:
    """Run the placement rules again: for every organization (administrators) or those named."""
    require_signed_in(viewer)
    if org_ids is None:
        require_admin(viewer)
        orgs = list(session.scalars(select(Organization).where(Organization.kind.in_(placement.PLACED_KINDS))))
    else:
        orgs = [get_organization(session, org_id) for org_id in org_ids]
        for org in orgs:
            require_place(session, viewer, org.id)
    counts = placement.refresh_suggestions(session, taxonomy.current(session), orgs)
    audit.record(session, viewer, "chain.suggest", "organization", org_ids[0] if org_ids and len(org_ids) == 1 else None,
                 organizations=len(orgs), **counts)
    return counts


def place(session: Session, viewer: Viewer, org_id: int, chain_key: str, segment_key: str, note: str = "") -> ChainPlacement:
    org = get_organization(session, org_id)
    require_place(session, viewer, org.id)
    row = placement.place(session, taxonomy.current(session), org, chain_key, segment_key, viewer.username, note)
    audit.record(session, viewer, "chain.place", "chain_placement", row.id, organization=org.id,
                 chain=chain_key, segment=segment_key)
    return row


def get_placement(session: Session, placement_id: int) -> ChainPlacement:
    row = session.get(ChainPlacement, placement_id)
    if row is None:
        raise NotFound(f"placement {placement_id} not found / 定位不存在")
    return row


def decide(session: Session, viewer: Viewer, placement_id: int, confirm: bool, note: str = "") -> ChainPlacement:
    row = get_placement(session, placement_id)
    require_place(session, viewer, row.organization_id)
    placement.decide(session, row, confirm, viewer.username, note)
    audit.record(session, viewer, "chain.confirm" if confirm else "chain.reject", "chain_placement", row.id,
                 organization=row.organization_id, chain=row.chain_key, segment=row.segment_key)
    return row


def set_park(session: Session, viewer: Viewer, org_id: int, park_id: int | None) -> ParkTenant | None:
    """Attach an organization to the park it sits in (or detach it: park_id None)."""
    org = get_organization(session, org_id)
    require_place(session, viewer, org.id)
    tenancy = session.scalar(select(ParkTenant).where(ParkTenant.organization_id == org.id))
    if park_id is None:
        if tenancy is not None:
            session.delete(tenancy)
        audit.record(session, viewer, "chain.park", "organization", org.id, park=None)
        session.flush()
        return None
    park = session.get(Organization, park_id)
    if park is None or park.kind != "park":
        raise ValidationError([{"field": "park_id", "message": "不是园区 / not a park"}])
    if park.id == org.id:
        raise ValidationError([{"field": "park_id", "message": "园区不能入驻自身 / a park cannot sit in itself"}])
    if tenancy is None:
        tenancy = ParkTenant(organization_id=org.id, park_id=park.id, is_demo=org.is_demo)
        session.add(tenancy)
    else:
        tenancy.park_id = park.id
    session.flush()
    audit.record(session, viewer, "chain.park", "organization", org.id, park=park.id)
    return tenancy


def add_figure(session: Session, viewer: Viewer, data: Mapping[str, Any]) -> ClusterFigure:
    require_figures(viewer)
    figure = figures.add(session, taxonomy.current(session), data, viewer.username)
    audit.record(session, viewer, "chain.figure.add", "cluster_figure", figure.id, metric=figure.metric,
                 value=figure.value, period=figure.period)
    return figure


def delete_figure(session: Session, viewer: Viewer, figure_id: int) -> None:
    require_figures(viewer)
    figure = figures.get(session, figure_id)
    if not viewer.is_admin and figure.author != viewer.username:
        raise Forbidden("只能删除自己录入的数据 / only the person who entered a figure (or an administrator) may delete it")
    audit.record(session, viewer, "chain.figure.delete", "cluster_figure", figure.id, metric=figure.metric,
                 value=figure.value, period=figure.period)
    figures.delete(session, figure)
