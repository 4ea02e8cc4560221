"""News pages: the list, one article with its extractions highlighted, and the review forms."""

from __future__ import annotations

import pytest

from medbridge.news import service
from medbridge.text.reading import RawArticle
from tests.web.helpers import sign_in

TEXT = ("青松市打造智能醫工創(chuàng )新高地\n2024-06-12 來源: 青松日報\n"
        "6月11日，星河醫科大學附屬青松松柏醫院與雲帆醫療有限公司簽署戰略合作協議。東嶺智能醫工產業園正式啟動。")


@pytest.fixture
def article_id(db):
    with db.session() as s:
        article, _ = service.store_article(s, RawArticle(TEXT, "t.txt"))
        s.flush()
        return article.id


def test_analysts_see_the_list_and_the_article_with_highlights(client, db, article_id):
    sign_in(client, db, "analyst1", "analyst")
    listing = client.get("/news")
    assert listing.status_code == 200 and "青松市打造智能医工创新高地" in listing.text
    page = client.get(f"/news/{article_id}")
    assert page.status_code == 200
    assert '<mark class="org"' in page.text and "星河醫科大學附屬青松松柏醫院</a></mark>" in page.text
    assert "签署协议" in page.text   # the event type, in Chinese by default


def test_confirming_through_the_form_creates_the_organization(client, db, article_id):
    sign_in(client, db, "analyst1", "analyst")
    with db.session() as s:
        mention = next(m for m in service.get_article(s, article_id).mentions if m.name == "东岭智能医工产业园")
        mention_id = mention.id
    response = client.post(f"/news/mentions/{mention_id}/review", data={"action": "confirm"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith(f"/news/{article_id}?reviewed=1")
    assert client.get("/organizations", params={"q": "东岭"}).text.count("东岭智能医工产业园") >= 1


def test_the_empty_list_says_how_to_ingest(client, db):
    sign_in(client, db, "analyst1", "analyst")
    assert "medbridge ingest" in client.get("/news").text


def test_people_without_the_role_are_refused(client, db, article_id):
    sign_in(client, db, "reader", "viewer")
    assert client.get("/news").status_code == 403
    assert client.get(f"/news/{article_id}").status_code == 403


def test_english_pages(client, db, article_id):
    sign_in(client, db, "analyst1", "analyst")
    client.cookies.set("lang", "en")
    assert "News intelligence" in client.get("/news").text
