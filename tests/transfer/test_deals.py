"""Deals: creation, moves through the stages, who sees them, and starting one from a match."""

from datetime import date

import pytest
from sqlalchemy import select

from medbridge.accounts.models import AuditEvent
from medbridge.accounts.policy import ANONYMOUS, COMMAND_LINE
from medbridge.errors import Forbidden, NotFound, ValidationError
from medbridge.transfer import service
from medbridge.transfer.service import DealFilters


def new_deal(session, world, outcome=None, **extra):
    extra.setdefault("started_on", date(2025, 1, 10))
    return service.create_deal(session, world.owner, (outcome or world.public).id, [world.enterprise.id],
                               "license", **extra)


def test_a_new_deal_starts_at_contacted_with_a_dated_attributed_event(session, world):
    deal = new_deal(session, world, value=120, documents=["NDA-2025-01.pdf"])
    assert deal.stage == "contacted"
    assert [(e.to_stage, e.happened_on, e.author) for e in deal.events] == [("contacted", date(2025, 1, 10), "owner-tto")]
    assert deal.counterparties == [world.enterprise]
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.target_type == "deal")) == "deal.create"


def test_a_deal_needs_a_counterparty_and_a_known_mode(session, world):
    with pytest.raises(ValidationError) as error:
        service.create_deal(session, world.owner, world.public.id, [], "barter")
    assert {e["field"] for e in error.value.errors} == {"mode", "organization_ids"}


def test_only_the_owner_office_starts_a_deal(session, world):
    with pytest.raises(Forbidden):
        service.create_deal(session, world.member, world.public.id, [world.enterprise.id], "license")


def test_moves_are_recorded_in_order_and_refused_when_rules_break(session, world):
    deal = new_deal(session, world)
    service.move_deal(session, world.owner, deal, "nda", date(2025, 2, 1))
    service.move_deal(session, world.owner, deal, "negotiation", date(2025, 3, 1))
    with pytest.raises(ValidationError):
        service.move_deal(session, world.owner, deal, "nda", date(2025, 3, 2))   # back without a reason
    with pytest.raises(ValidationError):
        service.move_deal(session, world.owner, deal, "signed", date(2025, 2, 20))  # before the last move
    service.move_deal(session, world.owner, deal, "signed", date(2025, 4, 1))
    service.move_deal(session, world.owner, deal, "closed", date(2025, 12, 1))
    assert [e.to_stage for e in deal.events] == ["contacted", "nda", "negotiation", "signed", "closed"]
    assert deal.stage == "closed" and deal.stage_since == date(2025, 12, 1)


def test_a_counterparty_member_sees_the_deal_but_cannot_move_it(session, world):
    deal = new_deal(session, world)
    assert service.get_deal(session, world.member, deal.id) is deal
    with pytest.raises(Forbidden):
        service.move_deal(session, world.member, deal, "nda")


def test_others_do_not_see_the_deal(session, world):
    deal = new_deal(session, world)
    for viewer in (world.stranger, ANONYMOUS):
        with pytest.raises(NotFound):
            service.get_deal(session, viewer, deal.id)
        assert service.list_deals(session, viewer, DealFilters()).total == 0


def test_a_deal_on_a_confidential_outcome_is_hidden_from_a_counterparty_without_access(session, world):
    deal = new_deal(session, world, outcome=world.confidential)
    assert service.list_deals(session, world.member, DealFilters()).total == 0
    with pytest.raises(NotFound):
        service.get_deal(session, world.member, deal.id)
    assert service.list_deals(session, world.owner, DealFilters()).total == 1
    assert service.list_deals(session, COMMAND_LINE, DealFilters()).total == 1


def test_filters_and_export(session, world):
    new_deal(session, world)
    service.create_deal(session, world.owner, world.public.id, [world.investor.id], "equity",
                        started_on=date(2024, 5, 1))
    assert service.list_deals(session, world.owner, DealFilters(mode="equity")).total == 1
    assert service.list_deals(session, world.owner, DealFilters(year=2025)).total == 1
    assert service.list_deals(session, world.owner, DealFilters(organization_id=world.investor.id)).total == 1
    sheet = service.export_deals(session, world.owner, DealFilters(), "csv").decode("utf-8-sig")
    assert sheet.count("\r\n") == 3 and "交易测试基金" in sheet


def test_starting_a_deal_from_a_match_is_idempotent_while_it_is_open(session, world):
    first = service.start_deal_from_match(session, world.owner, world.public.id, world.enterprise.id)
    again = service.start_deal_from_match(session, world.owner, world.public.id, world.enterprise.id)
    assert first is again and first.mode == "license"
    assert first.events[0].reason.startswith("由匹配发起")
