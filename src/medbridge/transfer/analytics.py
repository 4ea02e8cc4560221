"""Cycle time, measured from the dated stage events: how long deals stay in each stage, how long
from first contact to signing, and how far they get (the funnel).

Definitions (so the figures can be checked by hand):
- Days in a stage: from the event that entered it to the next event of the same deal. The stage
  a deal is in now has no finished duration and is left out; so are stages a deal skipped.
- End to end: days from the first event (first contact) to the first time the deal reached
  "signed". Deals never signed are left out of it.
- Quartiles: the inclusive method (statistics.quantiles(method="inclusive"), i.e. linear
  interpolation between order statistics, as Excel's QUARTILE.INC); one value is its own quartiles.
- Funnel: for each stage, how many deals reached it or a later one (moving back does not
  un-reach a stage); lost deals count for every stage they passed before being lost.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer
from medbridge.library.models import Outcome
from medbridge.registry.models import Organization
from medbridge.transfer.models import DEAL_STAGES, LOST, Deal, DealEvent
from medbridge.transfer.service import DealFilters, check_filters, deal_query
from medbridge.transfer.stages import furthest_stage

GROUPINGS = ("field", "owner", "mode", "year")


@dataclass
class DealFacts:
    """What the figures need of a deal: a few columns and its dated moves (read without the ORM's
    object graph, which costs seconds over thousands of deals)."""

    id: int
    mode: str
    started_on: date
    stage: str
    field: str
    owner: str
    events: list[tuple[str, date]]


def load_facts(session: Session, viewer: Viewer, filters: DealFilters) -> list[DealFacts]:
    """The visible deals matching the filters, as DealFacts, in two queries."""
    check_filters(filters)
    visible = deal_query(viewer, filters).with_only_columns(Deal.id)
    rows = session.execute(
        select(Deal.id, Deal.mode, Deal.started_on, Deal.stage, Outcome.field, Organization.name)
        .join(Outcome, Deal.outcome_id == Outcome.id).join(Organization, Outcome.owner_id == Organization.id)
        .where(Deal.id.in_(visible)).order_by(Deal.id))
    facts = {row[0]: DealFacts(*row, events=[]) for row in rows}
    moves = session.execute(select(DealEvent.deal_id, DealEvent.to_stage, DealEvent.happened_on)
                            .where(DealEvent.deal_id.in_(visible))
                            .order_by(DealEvent.deal_id, DealEvent.happened_on, DealEvent.id))
    for deal_id, stage, day in moves:
        if deal_id in facts:
            facts[deal_id].events.append((stage, day))
    return list(facts.values())


@dataclass(frozen=True)
class Summary:
    count: int
    q1: float
    median: float
    q3: float
    minimum: float
    maximum: float

    def as_dict(self) -> dict:
        return {"count": self.count, "q1": self.q1, "median": self.median, "q3": self.q3,
                "min": self.minimum, "max": self.maximum}


def summarize(values: Iterable[float]) -> Summary | None:
    values = sorted(values)
    if not values:
        return None
    if len(values) == 1:
        q1 = median = q3 = float(values[0])
    else:
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Summary(len(values), round(q1, 2), round(median, 2), round(q3, 2), float(values[0]), float(values[-1]))


def stage_durations(deal: DealFacts) -> list[tuple[str, int]]:
    """(stage, days spent in it) for every finished stay of the deal, in order."""
    events = deal.events
    return [(stage, (nxt_day - day).days) for (stage, day), (_, nxt_day) in zip(events, events[1:])]


def days_to_signed(deal: DealFacts) -> int | None:
    if not deal.events:
        return None
    signed = next((day for stage, day in deal.events if stage == "signed"), None)
    return (signed - deal.events[0][1]).days if signed else None


def reached(deal: DealFacts) -> str:
    return furthest_stage([stage for stage, _ in deal.events])


def group_key(deal: DealFacts, grouping: str) -> str:
    if grouping == "field":
        return deal.field
    if grouping == "owner":
        return deal.owner
    if grouping == "mode":
        return deal.mode
    if grouping == "year":
        return str(deal.started_on.year)
    raise ValueError(f"unknown grouping {grouping!r}; one of {GROUPINGS}")


def cycle_times(deals: list[DealFacts]) -> dict:
    """Per-stage and end-to-end summaries of a set of deals."""
    by_stage: dict[str, list[int]] = defaultdict(list)
    for deal in deals:
        for stage, days in stage_durations(deal):
            by_stage[stage].append(days)
    end_to_end = [d for d in (days_to_signed(deal) for deal in deals) if d is not None]
    return {"deals": len(deals),
            "stages": {stage: summarize(by_stage[stage]) for stage in DEAL_STAGES if by_stage.get(stage)},
            "end_to_end": summarize(end_to_end)}


def by_group(deals: list[DealFacts], grouping: str) -> dict[str, Summary | None]:
    """End-to-end (first contact → signed) summary per group, groups sorted by name."""
    groups: dict[str, list[DealFacts]] = defaultdict(list)
    for deal in deals:
        groups[group_key(deal, grouping)].append(deal)
    return {key: summarize(d for d in (days_to_signed(x) for x in groups[key]) if d is not None)
            for key in sorted(groups)}


def funnel(deals: list[DealFacts]) -> list[tuple[str, int]]:
    """(stage, deals that reached it or beyond), in stage order, then ("lost", count)."""
    furthest = [DEAL_STAGES.index(reached(deal)) for deal in deals]
    rows = [(stage, sum(1 for f in furthest if f >= i)) for i, stage in enumerate(DEAL_STAGES)]
    return rows + [(LOST, sum(1 for deal in deals if deal.stage == LOST))]


def report(session: Session, viewer: Viewer, filters: DealFilters | None = None) -> dict:
    """Everything the cycle-time page and `medbridge deals cycle-time` show, over the visible deals."""
    deals = load_facts(session, viewer, filters or DealFilters())
    overall = cycle_times(deals)
    return {
        "deals": overall["deals"],
        "stages": {k: v.as_dict() for k, v in overall["stages"].items()},
        "end_to_end": overall["end_to_end"].as_dict() if overall["end_to_end"] else None,
        "by": {g: {k: (v.as_dict() if v else None) for k, v in by_group(deals, g).items()} for g in GROUPINGS},
        "funnel": funnel(deals),
    }
