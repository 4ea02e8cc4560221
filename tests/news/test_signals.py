"""Ingested news lifts the organizations it is about when attraction targets are ranked."""

from __future__ import annotations

from datetime import datetime

from medbridge.news import service
from medbridge.news.signals import recent_events
from medbridge.text.reading import RawArticle
from tests.factories import make_org

SINCE = datetime(2024, 1, 1)


def ingest(session, text):
    article, _ = service.store_article(session, RawArticle(text, "test.txt"))
    session.flush()
    return article


def test_an_event_counts_for_the_linked_organizations_taking_part(session, article_text):
    hospital = make_org(session, name="星河医科大学附属青松松柏医院")
    bystander = make_org(session, name="无关医院")
    ingest(session, article_text)
    signals = recent_events(session, [hospital.id, bystander.id], SINCE)
    agreement = [s for s in signals if s.kind == "agreement_signed"]
    assert [s.organization_id for s in agreement] == [hospital.id]
    assert agreement[0].at == datetime(2024, 6, 11) and agreement[0].title == "青松市打造智能医工创新高地"
    assert all(s.organization_id == hospital.id for s in signals)


def test_old_and_rejected_events_do_not_count(session, article_text):
    hospital = make_org(session, name="星河医科大学附属青松松柏医院")
    article = ingest(session, article_text)
    assert recent_events(session, [hospital.id], datetime(2025, 1, 1)) == []
    for event in article.events:
        event.status = "rejected"
    session.flush()
    assert recent_events(session, [hospital.id], SINCE) == []


def test_a_rejected_link_does_not_count(session, article_text):
    hospital = make_org(session, name="星河医科大学附属青松松柏医院")
    article = ingest(session, article_text)
    for mention in article.mentions:
        if mention.organization_id == hospital.id:
            mention.status = "rejected"
    session.flush()
    assert recent_events(session, [hospital.id], SINCE) == []
