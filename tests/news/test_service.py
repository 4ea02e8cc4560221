"""Storing articles: idempotent, spans point into the original, linking never merges silently."""

from __future__ import annotations

from medbridge.news import service
from medbridge.news.models import NewsArticle, NewsMention
from medbridge.text.reading import RawArticle
from tests.factories import make_org


def ingest(session, text, **kwargs):
    article, created = service.store_article(session, RawArticle(text, "test.txt", **kwargs))
    session.flush()
    return article, created


def org_mention(article, name) -> NewsMention:
    return next(m for m in article.mentions if m.kind == "organization" and m.name == name)


def test_an_article_is_stored_with_its_header_and_clean_text(session, article_text):
    article, created = ingest(session, article_text)
    assert created
    assert article.title == "青松市打造智能医工创新高地"
    assert str(article.published_on) == "2024-06-12" and article.source == "青松日报" and article.reporter == "林小雨"
    assert "无码" not in article.clean_text and "别的新闻" not in article.clean_text
    assert article.original_text == article_text


def test_ingesting_the_same_article_again_adds_nothing(session, article_text):
    first, _ = ingest(session, article_text)
    again, created = ingest(session, article_text.replace("\n", "\r\n") + "  ")
    assert not created and again.id == first.id
    assert session.query(NewsArticle).count() == 1


def test_mention_spans_point_at_the_original_traditional_text(session, article_text):
    article, _ = ingest(session, article_text)
    hospital = org_mention(article, "星河医科大学附属青松松柏医院")
    texts = [article_text[start:end] for start, end in hospital.spans]
    assert texts[0] == "星河醫科大學附屬青松松柏醫院"
    assert "松柏醫院" in texts[1:]
    assert hospital.aliases == ["松柏医院"]


def test_events_people_and_amounts_are_stored(session, article_text):
    article, _ = ingest(session, article_text)
    types = {e.type for e in article.events}
    assert {"agreement_signed", "launch"} <= types
    agreement = next(e for e in article.events if e.type == "agreement_signed")
    assert str(agreement.event_date) == "2024-06-11"
    assert article_text[agreement.start:agreement.end].startswith("6月11日")
    person = next(m for m in article.mentions if m.kind == "person")
    assert (person.name, person.detail["title"]) == ("王一舟", "院长")
    amount = next(m for m in article.mentions if m.kind == "amount")
    assert amount.detail["value"] == 1_200_000_000 and amount.detail["unit"] == "CNY"


def test_an_exact_registry_name_or_alias_links_at_once(session, article_text):
    hospital = make_org(session, name="星河医科大学附属青松松柏医院")
    article, _ = ingest(session, article_text)
    mention = org_mention(article, "星河医科大学附属青松松柏医院")
    assert (mention.status, mention.organization_id, mention.link_method, mention.confidence) == \
        ("linked", hospital.id, "exact", 1.0)


def test_a_name_equal_once_legal_forms_are_stripped_links_with_less_confidence(session, article_text):
    company = make_org(session, name="云帆医疗集团", kind="enterprise")
    article, _ = ingest(session, article_text)
    mention = org_mention(article, "云帆医疗有限公司")
    assert (mention.organization_id, mention.link_method, mention.confidence) == (company.id, "stripped", 0.9)


def test_a_contained_name_is_only_proposed_as_a_merge(session, article_text):
    park = make_org(session, name="青松东岭智能医工产业园区管理中心东岭智能医工产业园", kind="park")
    article, _ = ingest(session, article_text)
    mention = org_mention(article, "东岭智能医工产业园")
    assert mention.status == "proposed" and mention.organization_id is None
    assert mention.candidate_id == park.id and mention.link_method == "contained"
    assert mention.confidence < service.AUTO_LINK


def test_unknown_organizations_are_proposed_as_new(session, article_text):
    article, _ = ingest(session, article_text)
    mention = org_mention(article, "东岭智能医工产业园")
    assert (mention.status, mention.link_method, mention.organization_id) == ("proposed", "new", None)
    assert 0 < mention.confidence < 1


def test_given_metadata_wins_over_what_the_text_suggests(session, article_text):
    from datetime import date

    article, _ = ingest(session, article_text, title="另一个标题", date=date(2024, 7, 1), source="某网")
    assert (article.title, str(article.published_on), article.source) == ("另一个标题", "2024-07-01", "某网")


def test_articles_list_sorts_filters_and_pages(session, article_text):
    ingest(session, article_text)
    from datetime import date
    ingest(session, "旧闻一则，星河大学与云帆医疗签署协议。" * 3, title="旧闻", date=date(2020, 1, 1))
    items, total = service.list_articles(session, sort="-published_on", per_page=1)
    assert total == 2 and items[0].title == "青松市打造智能医工创新高地"
    items, total = service.list_articles(session, q="旧闻")
    assert [a.title for a in items] == ["旧闻"]


def test_demo_articles_come_and_go_with_the_demo_data(session):
    from medbridge.demo import load_demo, remove_demo

    counts = load_demo(session)
    assert counts["news_articles"] == 4
    linked = session.query(NewsMention).filter_by(status="linked").count()
    assert linked >= 10      # the demo articles name demo organizations
    assert remove_demo(session)["news_articles"] == 4
    assert session.query(NewsArticle).count() == 0
