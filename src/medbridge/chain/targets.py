"""Attraction targets (招商目标): who outside a region would fill one of its gaps.

Candidates are organizations outside the region placed in the same chain segment (confirmed
placements, or the rules' suggestions at their confidence). The score, out of 100, adds:

- segment fit (FIT, 40): a confirmed placement earns all of it, a suggestion its confidence;
- size (SIZE, 25): output value on a log scale (10亿元 earns half, 1000亿元 all), plus
  LISTED_BONUS when a listed-company figure is on record;
- outcomes (OUTCOMES, 20): outcomes in the chain's fields the person asking may see, with
  grade A/B ones counting double, up to OUTCOME_SATURATION;
- news (NEWS, 15): recent events about the organization (signed agreements, investments,
  settling in a park…) from the ingested news (`news.signals`) and any other event source
  registered with `register_event_source`.

Each part that contributes is written into the reasons, so the list explains itself.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer, visible_condition
from medbridge.chain.coverage import output_values
from medbridge.chain.models import ChainPlacement, ClusterFigure
from medbridge.chain.taxonomy import ChainMap
from medbridge.db.base import utcnow
from medbridge.errors import ValidationError
from medbridge.library.models import Outcome
from medbridge.registry.models import Organization

FIT, SIZE, OUTCOMES, NEWS = 40.0, 25.0, 20.0, 15.0
LISTED_BONUS = 5.0
OUTCOME_SATURATION = 6
NEWS_SATURATION = 3
NEWS_WINDOW_DAYS = 365
MAX_TARGETS = 100


@dataclass(frozen=True)
class EventSignal:
    """One recent event about an organization, as a news source reports it."""

    organization_id: int
    kind: str           # e.g. agreement_signed, investment, settled_in_park
    title: str
    at: datetime
    url: str = ""


class EventSource(Protocol):
    def __call__(self, session: Session, organization_ids: list[int], since: datetime) -> list[EventSignal]: ...


_EVENT_SOURCES: list[EventSource] = []


def register_event_source(source: EventSource) -> EventSource:
    """Let another module (the news ingestion) feed recent events into target ranking."""
    if source not in _EVENT_SOURCES:
        _EVENT_SOURCES.append(source)
    return source


def unregister_event_source(source: EventSource) -> None:
    if source in _EVENT_SOURCES:
        _EVENT_SOURCES.remove(source)


@dataclass
class Target:
    organization: Organization
    score: float
    fit: float
    size: float
    outcomes: float
    news: float
    status: str
    reasons: list[str] = field(default_factory=list)


def size_points(output: float | None, listed: bool) -> float:
    points = 0.0
    if output and output > 0:
        # log10: 1亿元 → 0, 10亿元 → half, 1000亿元 → all of SIZE - LISTED_BONUS.
        points = min(1.0, max(0.0, math.log10(output) / 3)) * (SIZE - LISTED_BONUS)
    return round(points + (LISTED_BONUS if listed else 0.0), 2)


def outcome_points(count: int, strong: int) -> float:
    return round(min(1.0, (count + strong) / OUTCOME_SATURATION) * OUTCOMES, 2)


def news_points(events: int) -> float:
    return round(min(1.0, events / NEWS_SATURATION) * NEWS, 2)


def rank_targets(session: Session, chains: ChainMap, viewer: Viewer, region: str, chain_key: str,
                 segment_key: str, limit: int = 20, now: datetime | None = None) -> list[Target]:
    """Organizations outside `region` that would fill its (chain, segment), best first."""
    region = (region or "").strip()
    if not region:
        raise ValidationError([{"field": "region", "message": "必填 / required"}])
    chains.segment(chain_key, segment_key)
    limit = max(1, min(limit, MAX_TARGETS))
    chain = chains.chain(chain_key)
    inside = or_(Organization.province == region, Organization.city == region, Organization.district == region)
    # Score on plain columns, then load only the organizations that make the list.
    rows = session.execute(select(ChainPlacement.organization_id, ChainPlacement.status, ChainPlacement.confidence,
                                  Organization.name).join(
        Organization, Organization.id == ChainPlacement.organization_id).where(
        ChainPlacement.chain_key == chain_key, ChainPlacement.segment_key == segment_key,
        ChainPlacement.status != "rejected", ~inside)).all()
    if not rows:
        return []
    ids = [row[0] for row in rows]
    outputs = output_values(session, ids)
    listed = set()
    for start in range(0, len(ids), 1000):
        listed.update(session.scalars(select(ClusterFigure.organization_id).where(
            ClusterFigure.organization_id.in_(ids[start:start + 1000]), ClusterFigure.metric == "listed_count",
            ClusterFigure.value > 0)))
    counts, strong = _outcomes(session, viewer, ids, list(chain.fields))
    events = _events(session, ids, (now or utcnow()) - timedelta(days=NEWS_WINDOW_DAYS))
    scored = []
    for org_id, status, confidence, name in rows:
        fit = FIT if status == "confirmed" else round(FIT * (confidence or 0), 2)
        size = size_points(outputs.get(org_id), org_id in listed)
        outcome_score = outcome_points(counts[org_id], strong[org_id])
        news = news_points(len(events.get(org_id, [])))
        scored.append((round(fit + size + outcome_score + news, 2), name, org_id, status, confidence, fit, size,
                       outcome_score, news))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = scored[:limit]
    orgs = {org.id: org for org in session.scalars(select(Organization).where(
        Organization.id.in_([item[2] for item in scored])))}
    targets = []
    for score, _, org_id, status, confidence, fit, size, outcome_score, news in scored:
        reasons = ["已确认位于该环节 / confirmed in this segment" if status == "confirmed"
                   else f"规则建议（置信度 {confidence or 0:.2f}）/ suggested by the rules"]
        if outputs.get(org_id):
            reasons.append(f"产值/营收 {outputs[org_id]:g} 亿元 / output {outputs[org_id]:g} (100M CNY)")
        if org_id in listed:
            reasons.append("上市企业 / listed company")
        if counts[org_id]:
            reasons.append(f"{counts[org_id]} 项本链成果（{strong[org_id]} 项A/B级）/ {counts[org_id]} outcomes "
                           f"in the chain ({strong[org_id]} graded A/B)")
        for event in events.get(org_id, [])[:NEWS_SATURATION]:
            reasons.append(f"近期动态：{event.title} / recent event ({event.at:%Y-%m-%d})")
        targets.append(Target(orgs[org_id], score, fit, size, outcome_score, news, status, reasons))
    return targets


def _outcomes(session: Session, viewer: Viewer, ids: list[int], fields: list[str]):
    counts, strong = defaultdict(int), defaultdict(int)
    if not fields:
        return counts, strong
    rows = [row for start in range(0, len(ids), 1000) for row in session.execute(
        select(Outcome.owner_id, Outcome.grade, func.count()).where(
            Outcome.owner_id.in_(ids[start:start + 1000]), Outcome.field.in_(fields), visible_condition(viewer))
        .group_by(Outcome.owner_id, Outcome.grade))]
    for owner, grade, count in rows:
        counts[owner] += count
        if grade in ("A", "B"):
            strong[owner] += count
    return counts, strong


def _sources() -> list[EventSource]:
    # Imported here: the news package imports this module for EventSignal.
    from medbridge.news.signals import recent_events
    return [recent_events, *_EVENT_SOURCES]


def _events(session: Session, ids: list[int], since: datetime) -> dict[int, list[EventSignal]]:
    found: dict[int, list[EventSignal]] = defaultdict(list)
    wanted = set(ids)
    for source in _sources():
        for event in source(session, ids, since):
            if event.organization_id in wanted and event.at >= since:
                found[event.organization_id].append(event)
    for events in found.values():
        events.sort(key=lambda e: e.at, reverse=True)
    return found
