"""/api/news: analysts list, read, ingest and review; others are refused."""

from __future__ import annotations

import pytest

ARTICLE = {"title": "青松市发布医药健康十条", "date": "2024-06-12", "source": "青松日报",
           "text": "6月11日，青松市正式发布医药健康产业十条政策。星河大学与云帆医疗有限公司签署战略合作协议，"
                   "东岭智能医工产业园正式启动。"}


@pytest.fixture
def analyst(make_user):
    return make_user("analyst1", "analyst")


def ingest(client, headers):
    response = client.post("/api/news/articles", json=ARTICLE, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_ingest_read_and_list(client, analyst):
    article = ingest(client, analyst)
    assert article["title"] == "青松市发布医药健康十条" and article["published_on"] == "2024-06-12"
    names = {m["name"]: m for m in article["mentions"] if m["kind"] == "organization"}
    assert {"星河大学", "云帆医疗有限公司", "东岭智能医工产业园"} <= set(names)
    assert {e["type"] for e in article["events"]} >= {"policy_issued", "agreement_signed", "launch"}
    assert client.post("/api/news/articles", json=ARTICLE, headers=analyst).status_code == 200   # idempotent
    listing = client.get("/api/news/articles", params={"status": "open"}, headers=analyst).json()
    assert listing["total"] == 1 and listing["items"][0]["open_reviews"] == len(names)
    assert client.get(f"/api/news/articles/{article['id']}", headers=analyst).json()["id"] == article["id"]


def test_review_confirms_into_the_registry_with_provenance(client, analyst):
    article = ingest(client, analyst)
    mention = next(m for m in article["mentions"] if m["name"] == "东岭智能医工产业园")
    reviewed = client.post(f"/api/news/mentions/{mention['id']}/review", json={"action": "confirm"}, headers=analyst)
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "confirmed"
    organization_id = reviewed.json()["organization_id"]
    provenance = client.get(f"/api/news/organizations/{organization_id}/provenance", headers=analyst).json()
    assert provenance[0]["article_id"] == article["id"] and provenance[0]["spans"] == mention["spans"]
    event = article["events"][0]
    assert client.post(f"/api/news/events/{event['id']}/review", json={"action": "reject"},
                       headers=analyst).json()["status"] == "rejected"


def test_bad_review_input_is_a_422(client, analyst):
    article = ingest(client, analyst)
    mention = article["mentions"][0]
    assert client.post(f"/api/news/mentions/{mention['id']}/review", json={"action": "merge"},
                       headers=analyst).status_code == 422
    assert client.post(f"/api/news/mentions/{mention['id']}/review", json={"action": "link", "organization": "无此机构"},
                       headers=analyst).status_code == 422
    assert client.post("/api/news/mentions/999999/review", json={"action": "reject"}, headers=analyst).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "member:京南医院", "tto:京南医院"])
def test_other_roles_may_not_read_or_review(client, make_user, analyst, role, db):
    from tests.factories import make_org
    with db.session() as s:
        make_org(s, name="京南医院")
    other = make_user("someone", role)
    article = ingest(client, analyst)
    assert client.get("/api/news/articles", headers=other).status_code == 403
    assert client.get(f"/api/news/articles/{article['id']}", headers=other).status_code == 403
    assert client.post(f"/api/news/mentions/{article['mentions'][0]['id']}/review", json={"action": "reject"},
                       headers=other).status_code == 403
    assert client.get("/api/news/articles").status_code == 401


def test_admins_review_too(client, admin, analyst):
    article = ingest(client, analyst)
    assert client.post(f"/api/news/mentions/{article['mentions'][0]['id']}/review", json={"action": "reject"},
                       headers=admin).status_code == 200
