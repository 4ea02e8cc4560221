"""An analyst's review: confirmed facts reach the registry with their provenance; others may not review."""

from __future__ import annotations

import pytest

from medbridge.accounts.models import AuditEvent
from medbridge.accounts.policy import Viewer
from medbridge.errors import Forbidden, ValidationError
from medbridge.news import review, service
from medbridge.registry.service import find_organization
from medbridge.text.reading import RawArticle
from tests.factories import make_org



def person(session, username: str, role: str) -> Viewer:
    from medbridge.accounts import service as accounts

    user = accounts.create_user(session, username, "a-long-password", roles=[role])
    session.flush()
    return accounts.viewer_for(session, user)


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    from argon2 import PasswordHasher

    from medbridge.accounts import service as accounts
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def analyst(session) -> Viewer:
    return person(session, "analyst1", "analyst")


@pytest.fixture
def article(session, article_text):
    article, _ = service.store_article(session, RawArticle(article_text, "test.txt"))
    session.flush()
    return article


def mention(article, name):
    return next(m for m in article.mentions if m.name == name)


def test_confirming_a_new_organization_creates_it_with_its_aliases(session, article, analyst):
    hospital = mention(article, "星河医科大学附属青松松柏医院")
    review.review_mention(session, analyst, hospital.id, "confirm")
    org = find_organization(session, "松柏医院")
    assert org is not None and org.name == "星河医科大学附属青松松柏医院" and org.kind == "hospital"
    assert hospital.status == "confirmed" and hospital.organization_id == org.id and hospital.reviewed_by == "analyst1"
    assert [m.id for m in service.provenance(session, org.id)] == [hospital.id]
    assert hospital.spans and article.original_text[hospital.spans[0][0]:hospital.spans[0][1]]


def test_correcting_changes_name_and_kind_before_confirming(session, article, analyst):
    park = mention(article, "东岭智能医工产业园")
    review.review_mention(session, analyst, park.id, "correct", name="青松东岭智能医工产业园", kind="park")
    org = find_organization(session, "东岭智能医工产业园")
    assert org.name == "青松东岭智能医工产业园"


def test_linking_merges_into_an_existing_organization_as_an_alias(session, article, analyst):
    existing = make_org(session, name="云帆医疗科技股份有限公司", kind="enterprise")
    company = mention(article, "云帆医疗有限公司")
    review.review_mention(session, analyst, company.id, "link", organization=existing.id)
    assert company.organization_id == existing.id
    assert "云帆医疗有限公司" in find_organization(session, existing.id).alias_names


def test_rejecting_leaves_the_registry_alone(session, article, analyst):
    park = mention(article, "东岭智能医工产业园")
    review.review_mention(session, analyst, park.id, "reject")
    assert park.status == "rejected" and find_organization(session, "东岭智能医工产业园") is None


def test_every_review_is_audited(session, article, analyst):
    park = mention(article, "东岭智能医工产业园")
    review.review_mention(session, analyst, park.id, "reject")
    event = session.query(AuditEvent).filter_by(action="news.mention.reject").one()
    assert event.target_id == park.id and event.detail["article"] == article.id


def test_events_are_confirmed_or_rejected(session, article, analyst):
    event = article.events[0]
    review.review_event(session, analyst, event.id, "confirm")
    assert event.status == "confirmed"
    with pytest.raises(ValidationError):
        review.review_event(session, analyst, event.id, "merge")


def test_people_are_not_confirmed_into_the_organization_registry(session, article, analyst):
    person = next(m for m in article.mentions if m.kind == "person")
    with pytest.raises(ValidationError):
        review.review_mention(session, analyst, person.id, "confirm")


def test_a_bad_kind_or_unknown_link_target_is_refused(session, article, analyst):
    park = mention(article, "东岭智能医工产业园")
    with pytest.raises(ValidationError):
        review.review_mention(session, analyst, park.id, "correct", kind="castle")
    with pytest.raises(ValidationError):
        review.review_mention(session, analyst, park.id, "link", organization="没有这个机构")


def test_only_analysts_and_admins_review(session, article, analyst):
    park = mention(article, "东岭智能医工产业园")
    reader = person(session, "reader", "viewer")
    with pytest.raises(Forbidden):
        review.review_mention(session, reader, park.id, "confirm")
