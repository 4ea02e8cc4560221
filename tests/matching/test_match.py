"""Matching with reasons, and feedback that moves the ranking (bounded) and starts deals."""

from __future__ import annotations

import pytest

from medbridge.accounts.policy import ANONYMOUS, COMMAND_LINE
from medbridge.errors import Forbidden, NotFound, ValidationError
from medbridge.library import service
from medbridge.matching import feedback
from medbridge.matching.match import match_need, match_outcome
from medbridge.matching.models import MatchFeedback
from medbridge.needs import service as needs
from tests.factories import outcome_data
from tests.matching.conftest import person, tto


def by_id(matches):
    return {m.id: m for m in matches}


def test_a_need_finds_the_outcome_that_fits_with_its_reasons(session, world):
    matches = match_need(session, world.need, ANONYMOUS)
    assert matches[0].id == world.stroke.id and matches[0].kind == "outcome"
    reasons = " ".join(matches[0].reasons)
    assert "共同关键词" in reasons and "辅助诊断" in reasons
    assert "same field" in reasons and "stage fits" in reasons
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_an_investor_thesis_ranks_the_fitting_outcome_first(session, world):
    matches = match_need(session, world.thesis, ANONYMOUS)
    assert matches[0].id == world.bci.id
    assert any("same region: 北京市" in r for r in matches[0].reasons)


def test_need_matches_never_show_confidential_outcomes_or_hidden_words(session, world):
    need = needs.create_need(session, {"kind": "tech_need", "title": "寻找镁合金可降解支架或激酶抑制剂",
                                       "owner_id": world.enterprise.id}, "t")
    anonymous = by_id(match_need(session, need, ANONYMOUS))
    assert world.confidential.id not in anonymous
    assert world.secret_summary.id in anonymous  # its title matches 可降解 支架 ...
    assert "镁合金" not in " ".join(anonymous[world.secret_summary.id].reasons)  # ... its summary stays hidden
    owner = by_id(match_need(session, need, tto(world.hospital)))
    assert world.confidential.id in owner and "镁合金" in " ".join(owner[world.secret_summary.id].reasons)


def test_an_outcome_finds_investors_enterprises_and_incubators_with_reasons(session, world):
    matches = match_outcome(session, world.bci, ANONYMOUS)
    assert matches[0].id == world.investor.id and matches[0].kind == "investor"
    assert matches[0].need_id == world.thesis.id
    reasons = " ".join(matches[0].reasons)
    for expected in ("共同关键词", "投资方向", "looks for this field", "takes this stage", "same region"):
        assert expected in reasons
    kinds = {m.kind for m in matches}
    assert kinds <= {"enterprise", "investor", "incubator", "park"} and "hospital" not in kinds


def test_an_outcome_the_viewer_may_not_see_has_no_matches(session, world):
    with pytest.raises(NotFound):
        match_outcome(session, world.confidential, ANONYMOUS)


def test_feedback_moves_a_pair_within_bounds(session, world):
    user = person(session, "ent-member", f"member:{world.enterprise.id}")
    base = by_id(match_need(session, world.need, ANONYMOUS))[world.stroke.id].score
    feedback.record(session, user, "irrelevant", world.stroke.id, need_id=world.need.id)
    lowered = by_id(match_need(session, world.need, ANONYMOUS))
    assert lowered[world.stroke.id].score == pytest.approx(base - 0.15 - 0.1 / 6, abs=1e-6)
    assert any("past feedback" in r for r in lowered[world.stroke.id].reasons)
    # A person's new verdict replaces their old one; many people's verdicts add up, to a bound.
    feedback.record(session, user, "relevant", world.stroke.id, need_id=world.need.id)
    for n in range(6):
        other = person(session, f"user{n}")
        feedback.record(session, other, "relevant", world.stroke.id, need_id=world.need.id)
    raised = by_id(match_need(session, world.need, ANONYMOUS))[world.stroke.id].score
    assert raised == pytest.approx(base + feedback.PAIR_BOUND + 0.1 * 7 / 12, abs=1e-6)


def test_feedback_on_a_kind_of_counterparty_carries_to_others_of_that_kind(session, world):
    outcome = service.create_outcome(session, outcome_data(world.hospital, code="BCI-2", title="脑机接口睡眠监测头环",
                                                           field="brain_science", stage="prototype"), "t")
    before = by_id(match_outcome(session, outcome, ANONYMOUS))[world.investor.id].score
    user = person(session, "ent-member", f"member:{world.enterprise.id}")
    feedback.record(session, user, "relevant", world.bci.id, organization_id=world.investor.id)
    after = by_id(match_outcome(session, outcome, ANONYMOUS))[world.investor.id]
    assert after.score == pytest.approx(before + 0.1 / 6, abs=1e-6)
    assert any("past feedback on this kind" in r for r in after.reasons)


def test_contacted_is_stored_with_who_and_what_and_starts_a_deal(session, world):
    started = []
    feedback.register_contacted_listener(lambda s, fb: started.append(fb))
    try:
        user = person(session, "inv-member", f"member:{world.investor.id}")
        stored = feedback.record(session, user, "contacted", world.bci.id, organization_id=world.investor.id,
                                 note="约了下周面谈")
    finally:
        feedback._contacted_listeners.clear()
    assert started == [stored]
    row = session.get(MatchFeedback, stored.id)
    assert (row.outcome_id, row.organization_id, row.need_id, row.username, row.direction) == \
        (world.bci.id, world.investor.id, None, user.username, "outcome")
    assert row.created_at is not None and row.counterparty_kind == "investor"


def deals_of(session, outcome):
    from medbridge.transfer.models import Deal

    return session.query(Deal).filter_by(outcome_id=outcome.id).all()


def test_a_counterparty_marking_contacted_opens_a_deal_once(session, world):
    user = person(session, "inv-member", f"member:{world.investor.id}")
    feedback.record(session, user, "contacted", world.bci.id, organization_id=world.investor.id, note="约了下周面谈")
    feedback.record(session, user, "contacted", world.bci.id, organization_id=world.investor.id)
    [deal] = deals_of(session, world.bci)
    assert deal.stage == "contacted" and [p.organization_id for p in deal.parties] == [world.investor.id]
    assert deal.events[0].author == "inv-member" and "约了下周面谈" in deal.events[0].reason


def test_the_office_marking_a_need_match_contacted_opens_a_deal_with_the_needs_owner(session, world):
    office = person(session, "tt-office", f"tto:{world.hospital.id}")
    feedback.record(session, office, "contacted", world.stroke.id, need_id=world.need.id)
    [deal] = deals_of(session, world.stroke)
    assert [p.organization_id for p in deal.parties] == [world.enterprise.id]


def test_a_bystander_marking_contacted_leaves_feedback_but_no_deal(session, world):
    feedback.record(session, person(session, "onlooker"), "contacted", world.bci.id, organization_id=world.investor.id)
    assert deals_of(session, world.bci) == []


@pytest.mark.parametrize("args, field", [
    (dict(verdict="maybe", outcome_id=1, need_id=1), "verdict"),
    (dict(verdict="relevant", outcome_id=1), "need_id"),
    (dict(verdict="relevant", outcome_id=1, need_id=1, organization_id=1), "need_id"),
])
def test_feedback_is_validated(session, world, args, field):
    args = dict(args)  # (shared by the SQLite and PostgreSQL runs)
    with pytest.raises(ValidationError) as caught:
        feedback.record(session, person(session, "someone"), args.pop("verdict"), args.pop("outcome_id"), **args)
    assert field in {e["field"] for e in caught.value.errors}


def test_feedback_needs_a_signed_in_person_who_can_see_the_outcome(session, world):
    with pytest.raises(Forbidden):
        feedback.record(session, ANONYMOUS, "relevant", world.bci.id, need_id=world.need.id)
    with pytest.raises(NotFound):
        feedback.record(session, person(session, "someone"), "relevant", world.confidential.id, need_id=world.need.id)
    assert feedback.record(session, COMMAND_LINE, "relevant", world.confidential.id, need_id=world.need.id).id
