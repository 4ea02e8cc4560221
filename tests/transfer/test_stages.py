"""Every rule a deal's stage move obeys (medbridge.transfer.stages)."""

from datetime import date

from medbridge.transfer.stages import furthest_stage, transition_errors

TODAY = date(2026, 6, 30)
D = date(2026, 6, 1)


def errors(current, target, on=D, last_on=date(2026, 5, 1), reason="", reached_signed=False):
    return [e["field"] for e in transition_errors(current, target, on, last_on, reason, TODAY, reached_signed)]


def test_moving_forward_one_stage_is_allowed():
    assert errors("contacted", "nda") == []


def test_moving_forward_may_skip_stages():
    assert errors("contacted", "negotiation") == []


def test_moving_back_needs_a_reason():
    assert errors("negotiation", "due_diligence") == ["reason"]
    assert errors("negotiation", "due_diligence", reason="新的尽调问题") == []


def test_staying_in_the_same_stage_is_refused():
    assert errors("nda", "nda") == ["stage"]


def test_an_unknown_stage_is_refused():
    assert errors("nda", "celebrating") == ["stage"]


def test_losing_a_deal_needs_a_reason():
    assert errors("negotiation", "lost") == ["reason"]
    assert errors("negotiation", "lost", reason="价格未谈拢") == []


def test_reopening_a_lost_deal_needs_a_reason():
    assert errors("lost", "negotiation") == ["reason"]
    assert errors("lost", "negotiation", reason="对方重新报价") == []


def test_closing_needs_a_signature_first():
    assert errors("negotiation", "closed") == ["stage"]
    assert errors("executing", "closed", reached_signed=True) == []


def test_a_closed_deal_is_final():
    assert errors("closed", "executing", reason="x", reached_signed=True) == ["stage"]


def test_dates_are_monotone():
    assert errors("nda", "due_diligence", on=date(2026, 4, 30), last_on=date(2026, 5, 1)) == ["happened_on"]
    assert errors("nda", "due_diligence", on=date(2026, 5, 1), last_on=date(2026, 5, 1)) == []


def test_a_move_cannot_be_dated_in_the_future():
    assert errors("nda", "due_diligence", on=date(2026, 7, 1)) == ["happened_on"]


def test_the_furthest_stage_ignores_going_back_and_losing():
    assert furthest_stage(["contacted", "nda", "negotiation", "due_diligence", "lost"]) == "negotiation"
