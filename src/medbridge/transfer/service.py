"""Deals: who may see and move them, the moves themselves (checked and audited), lists and exports.

Who sees a deal: the outcome owner's tech-transfer office, members of any counterparty
organization, and administrators. A counterparty member sees it only while the outcome is one
they may know exists (policy.visible_condition), so a deal on a confidential outcome does not
leak it. Who changes a deal: the owner's office and administrators (policy.require_manage).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Iterable, Mapping

from sqlalchemy import and_, exists, false, func, or_, select, true
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import (
    Viewer, can_manage, detail_level, require_manage, require_signed_in, require_visible, visible_condition,
)
from medbridge.db.base import utcnow
from medbridge.errors import NotFound, ValidationError
from medbridge.library import service as library
from medbridge.library.models import Outcome
from medbridge.library.service import Page
from medbridge.registry.models import Organization
from medbridge.transfer.models import ALL_DEAL_STAGES, DEAL_MODES, DEAL_STAGES, Deal, DealEvent, DealParty
from medbridge.transfer.stages import transition_errors

DEAL_SORTS = {"updated_at": Deal.updated_at, "started_on": Deal.started_on, "value": Deal.value,
              "title": Deal.title, "stage_since": Deal.stage_since}
MAX_PER_PAGE = 200
MAX_DOCUMENTS = 20


@dataclass
class DealFilters:
    q: str = ""
    stage: str = ""
    mode: str = ""
    field: str = ""
    owner_id: int | None = None
    organization_id: int | None = None     # a counterparty
    year: int | None = None
    sort: str = "-updated_at"
    page: int = 1
    per_page: int = 50


# --- access -----------------------------------------------------------------------------

def visible_deals_condition(viewer: Viewer):
    """SQL condition on Deal (joined with its Outcome): the deals this person may see."""
    if viewer.is_admin:
        return true()
    terms = []
    if viewer.managed_organizations:
        terms.append(Outcome.owner_id.in_(viewer.managed_organizations))
    if viewer.organizations:
        party = exists().where(DealParty.deal_id == Deal.id, DealParty.organization_id.in_(viewer.organizations))
        terms.append(and_(party, visible_condition(viewer)))
    return or_(*terms) if terms else false()


def can_view(viewer: Viewer, deal: Deal) -> bool:
    if can_manage(viewer, deal.outcome.owner_id):
        return True
    is_party = any(p.organization_id in viewer.organizations for p in deal.parties)
    return is_party and detail_level(viewer, deal.outcome) != "hidden"


def get_deal(session: Session, viewer: Viewer, deal_id: int) -> Deal:
    """The deal, if this person may see it; otherwise 'not found', so its existence does not leak."""
    deal = session.get(Deal, deal_id)
    if deal is None or not can_view(viewer, deal):
        raise NotFound(f"deal {deal_id} not found / 交易不存在")
    return deal


# --- checking input ----------------------------------------------------------------------

def _check_terms(data: Mapping[str, Any]) -> tuple[dict, list[dict]]:
    clean, errors = {}, []
    if "mode" in data:
        if data["mode"] not in DEAL_MODES:
            errors.append({"field": "mode", "message": f"未知方式 / unknown mode; one of {', '.join(DEAL_MODES)}"})
        clean["mode"] = data["mode"]
    if "value" in data:
        value = data["value"]
        if value in ("", None):
            clean["value"] = None
        else:
            try:
                clean["value"] = float(value)
                if not 0 <= clean["value"] < 1e9:
                    raise ValueError
            except (TypeError, ValueError):
                errors.append({"field": "value", "message": "金额应为非负数（万元） / a non-negative amount in 10k CNY"})
    if "terms" in data:
        clean["terms"] = str(data["terms"] or "").strip()[:5000]
    if "documents" in data:
        docs = [str(d).strip()[:300] for d in (data["documents"] or []) if str(d).strip()]
        if len(docs) > MAX_DOCUMENTS:
            errors.append({"field": "documents", "message": f"最多{MAX_DOCUMENTS}个文件 / at most {MAX_DOCUMENTS}"})
        clean["documents"] = docs[:MAX_DOCUMENTS]
    if "title" in data:
        clean["title"] = str(data["title"] or "").strip()[:300]
    return clean, errors


def _organizations(session: Session, ids: Iterable[int]) -> tuple[list[Organization], list[dict]]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        return [], [{"field": "organization_ids", "message": "至少一个交易对方 / at least one counterparty"}]
    found = {o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        return [], [{"field": "organization_ids", "message": f"机构不存在 / no such organization: {missing}"}]
    return [found[i] for i in ids], []


# --- writes (checked and audited) --------------------------------------------------------

def create_deal(session: Session, viewer: Viewer, outcome_id: int, organization_ids: Iterable[int], mode: str,
                started_on: date | None = None, value: float | None = None, terms: str = "",
                documents: Iterable[str] = (), title: str = "", reason: str = "", is_demo: bool = False,
                today: date | None = None) -> Deal:
    """A new deal at 'contacted', dated `started_on` (default today), by the owner's office or an admin."""
    require_signed_in(viewer)
    outcome = library.get_outcome(session, outcome_id)
    require_visible(viewer, outcome)
    require_manage(viewer, outcome.owner_id)
    clean, errors = _check_terms({"mode": mode, "value": value, "terms": terms, "documents": list(documents),
                                  "title": title})
    parties, party_errors = _organizations(session, organization_ids)
    errors += party_errors
    if any(p.id == outcome.owner_id for p in parties):
        errors.append({"field": "organization_ids", "message": "交易对方不能是成果所属机构 / the owner cannot be its own counterparty"})
    today = today or date.today()
    started_on = started_on or today
    if started_on > today:
        errors.append({"field": "started_on", "message": "日期不能在未来 / the date cannot be in the future"})
    if errors:
        raise ValidationError(errors)
    deal = Deal(outcome=outcome, stage=DEAL_STAGES[0], started_on=started_on, stage_since=started_on,
                is_demo=is_demo, **{**clean, "title": clean["title"] or f"{outcome.title} · {parties[0].name}"})
    deal.parties = [DealParty(organization=org) for org in parties]
    deal.events = [DealEvent(from_stage="", to_stage=DEAL_STAGES[0], happened_on=started_on,
                             author=viewer.username, reason=reason[:500])]
    session.add(deal)
    session.flush()
    audit.record(session, viewer, "deal.create", "deal", deal.id, outcome_id=outcome.id,
                 counterparties=[p.id for p in parties], mode=deal.mode)
    return deal


def start_deal_from_match(session: Session, viewer: Viewer, outcome_id: int, organization_id: int,
                          mode: str | None = None, started_on: date | None = None, note: str = "",
                          is_demo: bool = False) -> Deal:
    """The deal a match becomes when it is marked "contacted". If the pair already has an open deal,
    that one is returned (marking twice does not start two deals). The mode defaults to the first
    transfer mode the outcome asks for, else a license."""
    outcome = library.get_outcome(session, outcome_id)
    existing = session.scalar(
        select(Deal).join(DealParty).where(Deal.outcome_id == outcome_id, DealParty.organization_id == organization_id,
                                           Deal.stage.not_in(("closed", "lost"))).limit(1))
    if existing is not None:
        require_manage(viewer, outcome.owner_id)
        return existing
    wanted = [m for m in (outcome.transfer_modes or []) if m in DEAL_MODES]
    return create_deal(session, viewer, outcome_id, [organization_id], mode or (wanted[0] if wanted else "license"),
                       started_on=started_on, reason=note or "由匹配发起 / started from a match", is_demo=is_demo)


def deal_from_contacted_match(session: Session, feedback) -> Deal | None:
    """A match marked "contacted" (matching.feedback) starts a deal, or finds the pair's open one.

    The counterparty is the need's owner (need → outcome) or the organization matched to the
    outcome. It starts only on the word of someone who speaks for a side: the outcome's office
    (or an admin), or a person of the counterparty organization. The latter may open the record
    at 'contacted' although deals are the office's: the office sees it on its board and alone
    moves it on (or marks it lost). A mark by anyone else stays feedback only."""
    from medbridge.accounts.models import User
    from medbridge.accounts.service import viewer_for
    from medbridge.needs.models import Need

    outcome = session.get(Outcome, feedback.outcome_id)
    need = session.get(Need, feedback.need_id) if feedback.need_id else None
    counterparty = need.owner_id if need else feedback.organization_id
    user = session.get(User, feedback.user_id) if feedback.user_id else None
    if outcome is None or counterparty in (None, outcome.owner_id) or user is None:
        return None
    viewer = viewer_for(session, user)
    if not can_manage(viewer, outcome.owner_id):
        if counterparty not in viewer.organizations:
            return None
        viewer = replace(viewer, roles=viewer.roles | {("tto", outcome.owner_id)})
    return start_deal_from_match(session, viewer, outcome.id, counterparty,
                                 note=f"由匹配发起（{feedback.username}）/ started from a match: {feedback.note}"[:500])


def move_deal(session: Session, viewer: Viewer, deal: Deal, to_stage: str, happened_on: date | None = None,
              reason: str = "", today: date | None = None) -> DealEvent:
    """Move a deal to a stage, dated and attributed; see transfer.stages for the rules."""
    require_manage(viewer, deal.outcome.owner_id)
    today = today or date.today()
    happened_on = happened_on or today
    reason = (reason or "").strip()[:500]
    last_on = deal.events[-1].happened_on if deal.events else None
    reached_signed = any(e.to_stage in ("signed", "executing") for e in deal.events)
    errors = transition_errors(deal.stage, to_stage, happened_on, last_on, reason, today, reached_signed)
    if errors:
        raise ValidationError(errors)
    event = DealEvent(from_stage=deal.stage, to_stage=to_stage, happened_on=happened_on, author=viewer.username,
                      reason=reason)
    deal.events.append(event)
    deal.stage, deal.stage_since, deal.updated_at = to_stage, happened_on, utcnow()
    session.flush()
    audit.record(session, viewer, "deal.move", "deal", deal.id, from_stage=event.from_stage, to_stage=to_stage,
                 on=happened_on.isoformat())
    return event


def update_deal(session: Session, viewer: Viewer, deal: Deal, changes: Mapping[str, Any]) -> list[str]:
    """Change the deal's terms (mode, value, terms, documents, title, counterparties); the changed names."""
    require_manage(viewer, deal.outcome.owner_id)
    clean, errors = _check_terms(changes)
    if clean.get("title") == "":
        errors.append({"field": "title", "message": "名称不能为空 / the title cannot be empty"})
    if "organization_ids" in changes:
        parties, party_errors = _organizations(session, changes["organization_ids"] or [])
        errors += party_errors
        if any(p.id == deal.outcome.owner_id for p in parties):
            errors.append({"field": "organization_ids", "message": "交易对方不能是成果所属机构 / the owner cannot be its own counterparty"})
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in clean.items() if getattr(deal, name) != value]
    for name in changed:
        setattr(deal, name, clean[name])
    if "organization_ids" in changes and [p.id for p in parties] != [p.organization_id for p in deal.parties]:
        deal.parties = [DealParty(organization=org) for org in parties]
        changed.append("organization_ids")
    if changed:
        deal.updated_at = utcnow()
        session.flush()
        audit.record(session, viewer, "deal.update", "deal", deal.id, fields=changed)
    return changed


def delete_deal(session: Session, viewer: Viewer, deal: Deal) -> None:
    require_manage(viewer, deal.outcome.owner_id)
    audit.record(session, viewer, "deal.delete", "deal", deal.id, title=deal.title)
    session.delete(deal)
    session.flush()


# --- reading -----------------------------------------------------------------------------

def check_filters(filters: DealFilters) -> DealFilters:
    errors = []
    if filters.stage and filters.stage not in ALL_DEAL_STAGES:
        errors.append({"field": "stage", "message": f"未知阶段 / unknown stage; one of {', '.join(ALL_DEAL_STAGES)}"})
    if filters.mode and filters.mode not in DEAL_MODES:
        errors.append({"field": "mode", "message": f"未知方式 / unknown mode; one of {', '.join(DEAL_MODES)}"})
    if filters.sort.lstrip("-") not in DEAL_SORTS:
        errors.append({"field": "sort", "message": f"不能按此排序 / cannot sort by it; one of {', '.join(DEAL_SORTS)}"})
    if filters.page < 1 or not 1 <= filters.per_page <= MAX_PER_PAGE:
        errors.append({"field": "page", "message": f"页码从1开始，每页1到{MAX_PER_PAGE}条 / pages from 1, 1–{MAX_PER_PAGE} per page"})
    if errors:
        raise ValidationError(errors)
    return filters


def deal_query(viewer: Viewer, filters: DealFilters):
    query = select(Deal).join(Outcome, Deal.outcome_id == Outcome.id).where(visible_deals_condition(viewer))
    if filters.q:
        pattern = f"%{filters.q}%"
        query = query.where(or_(Deal.title.ilike(pattern), Outcome.title.ilike(pattern), Outcome.code.ilike(pattern)))
    if filters.stage:
        query = query.where(Deal.stage == filters.stage)
    if filters.mode:
        query = query.where(Deal.mode == filters.mode)
    if filters.field:
        query = query.where(Outcome.field == filters.field)
    if filters.owner_id:
        query = query.where(Outcome.owner_id == filters.owner_id)
    if filters.organization_id:
        query = query.where(exists().where(DealParty.deal_id == Deal.id,
                                           DealParty.organization_id == filters.organization_id))
    if filters.year:
        query = query.where(Deal.started_on >= date(filters.year, 1, 1), Deal.started_on < date(filters.year + 1, 1, 1))
    return query


def _ordered(query, sort: str):
    column = DEAL_SORTS[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    return query.order_by(order.nulls_last(), Deal.id.desc())


def list_deals(session: Session, viewer: Viewer, filters: DealFilters) -> Page:
    check_filters(filters)
    query = deal_query(viewer, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(_ordered(query, filters.sort).offset((filters.page - 1) * filters.per_page)
                           .limit(filters.per_page)).unique()
    return Page(items=list(rows), total=total, page=filters.page, per_page=filters.per_page)


def iter_deals(session: Session, viewer: Viewer, filters: DealFilters) -> list[Deal]:
    check_filters(filters)
    return list(session.scalars(_ordered(deal_query(viewer, filters), filters.sort)).unique())


def board(session: Session, viewer: Viewer, filters: DealFilters) -> dict[str, list[Deal]]:
    """The visible deals by stage, for the board: every stage a column, in order."""
    columns: dict[str, list[Deal]] = {stage: [] for stage in ALL_DEAL_STAGES}
    for deal in iter_deals(session, viewer, DealFilters(**{**vars(filters), "stage": "", "sort": "-updated_at"})):
        columns[deal.stage].append(deal)
    return columns


EXPORT_COLUMNS = ("id", "title", "outcome", "owner", "counterparties", "mode", "value", "stage", "stage_since",
                  "started_on", "terms", "documents")


def export_deals(session: Session, viewer: Viewer, filters: DealFilters, fmt: str, label=None) -> bytes:
    """The filtered deals as CSV or XLSX; an outcome whose detail the viewer may not read shows its title only."""
    from medbridge.library.spreadsheet import _csv_bytes, _xlsx_bytes

    if fmt not in ("csv", "xlsx"):
        raise ValidationError([{"field": "format", "message": "csv 或 xlsx / csv or xlsx"}])
    label = label or (lambda vocabulary, key: key)
    rows = [[deal.id, deal.title, deal.outcome.title, deal.outcome.owner.name,
             "；".join(o.name for o in deal.counterparties), label("deal_modes", deal.mode),
             "" if deal.value is None else deal.value, label("deal_stages", deal.stage), deal.stage_since.isoformat(),
             deal.started_on.isoformat(), deal.terms, "；".join(deal.documents or [])]
            for deal in iter_deals(session, viewer, filters)]
    audit.record(session, viewer, "deal.export", "export", None, format=fmt, count=len(rows))
    return _csv_bytes(list(EXPORT_COLUMNS), rows) if fmt == "csv" else _xlsx_bytes([("Deals", list(EXPORT_COLUMNS), rows)])


def deal_dict(deal: Deal, viewer: Viewer) -> dict:
    """A deal for the API and the CLI; the outcome as far as the viewer may see it."""
    level = detail_level(viewer, deal.outcome)
    return {
        "id": deal.id, "title": deal.title, "mode": deal.mode, "value": deal.value, "terms": deal.terms,
        "documents": list(deal.documents or []), "stage": deal.stage, "stage_since": deal.stage_since.isoformat(),
        "started_on": deal.started_on.isoformat(), "is_demo": deal.is_demo,
        "outcome": {"id": deal.outcome.id, "code": deal.outcome.code, "title": deal.outcome.title,
                    "owner_id": deal.outcome.owner_id, "field": deal.outcome.field, "level": level},
        "counterparties": [{"id": o.id, "name": o.name} for o in deal.counterparties],
        "events": [{"from_stage": e.from_stage, "to_stage": e.to_stage, "happened_on": e.happened_on.isoformat(),
                    "author": e.author, "reason": e.reason} for e in deal.events],
        "can_manage": can_manage(viewer, deal.outcome.owner_id),
    }
