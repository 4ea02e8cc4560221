"""Feedback on matches: relevant, irrelevant, contacted — stored, and used in ranking.

How feedback changes ranking (both bounded, so a few clicks cannot bury or crown anything):
- per pair (need↔outcome, outcome↔organization): every "relevant" adds 0.10, every
  "contacted" 0.15 and every "irrelevant" takes 0.15 away, by anyone, summed and clamped to
  [-0.30, +0.30]; a person's own latest verdict on a pair replaces their earlier one.
- per counterparty kind: for need→outcome, by outcome kind under the same need kind; for
  outcome→organization, by organization kind under the outcome's field. The smoothed balance
  (positive − negative) / (positive + negative + 5) scaled to at most ±0.10.
"Contacted" also starts a deal: `on_contacted` hands the stored feedback to the deals package
(`transfer.service.deal_from_contacted_match`, which says when a deal starts) and to every
listener registered with `register_contacted_listener`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import Viewer, require_signed_in, require_visible
from medbridge.errors import NotFound, ValidationError
from medbridge.library.models import Outcome
from medbridge.matching.models import VERDICTS, MatchFeedback
from medbridge.needs.models import Need
from medbridge.registry.models import Organization

PAIR_WEIGHTS = {"relevant": 0.10, "contacted": 0.15, "irrelevant": -0.15}
PAIR_BOUND = 0.30
KIND_BOUND = 0.10
KIND_SMOOTHING = 5

_contacted_listeners: list[Callable[[Session, MatchFeedback], None]] = []


def register_contacted_listener(listener: Callable[[Session, MatchFeedback], None]) -> None:
    """Call `listener(session, feedback)` whenever a match is marked contacted."""
    if listener not in _contacted_listeners:
        _contacted_listeners.append(listener)


def on_contacted(session: Session, feedback: MatchFeedback) -> None:
    """A match was marked contacted: the start of a deal. The feedback carries need_id,
    outcome_id, organization_id, user_id, username and created_at."""
    # Imported here: the deals package sits above the library and the registry, not below matching.
    from medbridge.transfer.service import deal_from_contacted_match

    for listener in [deal_from_contacted_match, *_contacted_listeners]:
        listener(session, feedback)


def record(session: Session, viewer: Viewer, verdict: str, outcome_id: int | None, need_id: int | None = None,
           organization_id: int | None = None, note: str = "") -> MatchFeedback:
    """Store one person's verdict on a need→outcome or an outcome→organization match."""
    require_signed_in(viewer)
    errors = []
    if verdict not in VERDICTS:
        errors.append({"field": "verdict", "message": f"应为 / one of {', '.join(VERDICTS)}"})
    if outcome_id is None:
        errors.append({"field": "outcome_id", "message": "必填 / required"})
    if (need_id is None) == (organization_id is None):
        errors.append({"field": "need_id", "message": "需求与机构须且只须给出一个 / give either need_id (a need's "
                                                      "match) or organization_id (an outcome's match)"})
    if len(note or "") > 500:
        errors.append({"field": "note", "message": "最多500字 / at most 500 characters"})
    if errors:
        raise ValidationError(errors)
    outcome = session.get(Outcome, outcome_id) if 0 < outcome_id < 2**63 else None
    if outcome is None:
        raise NotFound(f"outcome {outcome_id} not found / 成果不存在")
    require_visible(viewer, outcome)
    if need_id is not None:
        need = session.get(Need, need_id) if 0 < need_id < 2**63 else None
        if need is None:
            raise NotFound(f"need {need_id} not found / 需求不存在")
        direction, counterparty = "need", outcome.kind
    else:
        org = session.get(Organization, organization_id) if 0 < organization_id < 2**63 else None
        if org is None:
            raise NotFound(f"organization {organization_id} not found / 机构不存在")
        direction, counterparty = "outcome", org.kind
    if verdict != "contacted":
        _forget_earlier(session, viewer, outcome_id, need_id, organization_id)
    feedback = MatchFeedback(need_id=need_id, outcome_id=outcome_id, organization_id=organization_id,
                             direction=direction, counterparty_kind=counterparty, verdict=verdict,
                             note=(note or "").strip(), user_id=viewer.user_id, username=viewer.username)
    session.add(feedback)
    session.flush()
    audit.record(session, viewer, f"match.{verdict}", "match_feedback", feedback.id, outcome_id=outcome_id,
                 need_id=need_id, organization_id=organization_id)
    if verdict == "contacted":
        on_contacted(session, feedback)
    return feedback


def _forget_earlier(session: Session, viewer: Viewer, outcome_id, need_id, organization_id) -> None:
    earlier = session.scalars(select(MatchFeedback).where(
        MatchFeedback.username == viewer.username, MatchFeedback.outcome_id == outcome_id,
        MatchFeedback.need_id.is_(None) if need_id is None else MatchFeedback.need_id == need_id,
        MatchFeedback.organization_id.is_(None) if organization_id is None
        else MatchFeedback.organization_id == organization_id,
        MatchFeedback.verdict != "contacted"))
    for old in earlier:
        session.delete(old)


# --- in ranking -------------------------------------------------------------------------

def pair_adjustments(session: Session, pairs: Iterable[tuple[int | None, int | None, int | None]]
                     ) -> dict[tuple, tuple[float, Counter]]:
    """For (need_id, outcome_id, organization_id) pairs: (bounded boost, verdict counts)."""
    pairs = list(pairs)
    if not pairs:
        return {}
    outcome_ids = sorted({p[1] for p in pairs if p[1] is not None})
    rows = session.execute(select(MatchFeedback.need_id, MatchFeedback.outcome_id, MatchFeedback.organization_id,
                                  MatchFeedback.verdict).where(MatchFeedback.outcome_id.in_(outcome_ids)))
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for need_id, outcome_id, org_id, verdict in rows:
        counts[(need_id, outcome_id, org_id)][verdict] += 1
    result = {}
    for pair in pairs:
        tally = counts.get(tuple(pair), Counter())
        boost = sum(PAIR_WEIGHTS[v] * n for v, n in tally.items())
        result[tuple(pair)] = (max(-PAIR_BOUND, min(PAIR_BOUND, boost)), tally)
    return result


def kind_adjustments(session: Session, direction: str, context: dict) -> dict[str, float]:
    """Bounded boost per counterparty kind from past verdicts in a similar context:
    direction "need": context {"need_kind": ...} → by outcome kind;
    direction "outcome": context {"field": ...} → by organization kind."""
    query = select(MatchFeedback.counterparty_kind, MatchFeedback.verdict).where(MatchFeedback.direction == direction)
    if direction == "need":
        query = query.join(Need, Need.id == MatchFeedback.need_id).where(Need.kind == context.get("need_kind"))
    else:
        query = query.join(Outcome, Outcome.id == MatchFeedback.outcome_id).where(Outcome.field == context.get("field"))
    tallies: dict[str, Counter] = defaultdict(Counter)
    for kind, verdict in session.execute(query):
        tallies[kind]["negative" if verdict == "irrelevant" else "positive"] += 1
    return {kind: KIND_BOUND * (t["positive"] - t["negative"]) / (t["positive"] + t["negative"] + KIND_SMOOTHING)
            for kind, t in tallies.items()}


def list_feedback(session: Session, need_id: int | None = None, outcome_id: int | None = None,
                  limit: int = 100) -> list[MatchFeedback]:
    query = select(MatchFeedback).order_by(MatchFeedback.created_at.desc(), MatchFeedback.id.desc()).limit(limit)
    if need_id is not None:
        query = query.where(MatchFeedback.need_id == need_id)
    if outcome_id is not None:
        query = query.where(MatchFeedback.outcome_id == outcome_id)
    return list(session.scalars(query))
