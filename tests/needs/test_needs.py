"""Needs: validation, who may post, the sheet import, and the CLI and API around them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from medbridge.accounts.models import User
from medbridge.accounts.policy import ANONYMOUS, Viewer
from medbridge.cli import main
from medbridge.errors import Forbidden, ValidationError
from medbridge.needs import actions, service
from medbridge.needs.models import Need
from tests.factories import make_org


@pytest.fixture
def investor(session):
    return make_org(session, name="示范创投", kind="investor")


def as_role(session, role: str, org) -> Viewer:
    from medbridge.accounts import service as accounts

    username = f"{role}-{org.id}"
    user = session.query(User).filter_by(username=username).one_or_none() or accounts.create_user(
        session, username, "long-enough-password-1", roles=[f"{role}:{org.id}"])
    return accounts.viewer_for(session, user)


def test_labels_in_either_language_become_keys(session, investor):
    need = service.create_need(session, {"kind": "投资方向", "title": "投资AI影像", "owner": "示范创投",
                                         "fields": "数智医学/AI诊疗；体外诊断", "stages": ["Prototype"],
                                         "ticket_min": "500万", "ticket_max": 3000}, "t")
    assert (need.kind, need.fields, need.stages) == ("investment_thesis", ["ai_medicine", "ivd"], ["prototype"])
    assert (need.ticket_min, need.ticket_max, need.status) == (500, 3000, "open")
    assert need.code == f"XQ-{need.id:06d}"


def test_every_problem_is_reported_at_once(session, investor):
    with pytest.raises(ValidationError) as caught:
        service.create_need(session, {"kind": "wish", "title": "", "owner": "无此机构", "fields": "不存在的领域",
                                      "ticket_min": 9, "ticket_max": 1}, "t")
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"kind", "title", "owner_id", "fields", "ticket_max"}


def test_members_of_the_organization_may_post_for_it_and_others_not(session, investor):
    other = make_org(session, name="别家企业", kind="enterprise")
    data = {"kind": "tech_need", "title": "寻找合作", "owner_id": investor.id}
    for role in ("member", "operator", "tto"):
        assert actions.create(session, as_role(session, role, investor), data).owner_id == investor.id
    with pytest.raises(Forbidden):
        actions.create(session, as_role(session, "member", other), data)
    with pytest.raises(Forbidden):
        actions.create(session, ANONYMOUS, data)
    need = actions.create(session, as_role(session, "member", investor), data)
    with pytest.raises(Forbidden):
        actions.update(session, as_role(session, "tto", other), need, {"title": "改"})
    assert actions.update(session, as_role(session, "member", investor), need, {"title": "改", "status": "已关闭"}) \
        == ["status", "title"]


def test_sheet_import_is_all_or_nothing(session, investor):
    good = "标题,需求类型,发布机构,关注领域\n寻找可降解支架,技术需求,示范创投,高端医疗器械\n".encode()
    bad = good + "缺类型的行,,示范创投,\n".encode()
    viewer = as_role(session, "member", investor)
    report = actions.import_sheet(session, viewer, "n.csv", bad, dry_run=False, max_bytes=10**6, max_rows=100)
    assert not report.ok and report.errors[0]["row"] == 3 and session.query(Need).count() == 0
    report = actions.import_sheet(session, viewer, "n.csv", good, dry_run=False, max_bytes=10**6, max_rows=100)
    assert report.ok and report.created == 1
    assert session.query(Need).one().fields == ["high_end_device"]


def test_cli_posts_lists_and_matches_needs(db):
    runner = CliRunner()
    url = ["--database", db.url]
    with db.session() as session:
        make_org(session, name="示范创投", kind="investor")
    posted = runner.invoke(main, [*url, "needs", "add", "--kind", "investment_thesis", "--title", "投资脑机接口",
                                  "--owner", "示范创投", "--fields", "brain_science", "--json"])
    assert posted.exit_code == 0, posted.output
    code = json.loads(posted.output)["code"]
    listed = json.loads(runner.invoke(main, [*url, "needs", "list", "--json"]).output)
    assert [item["code"] for item in listed["items"]] == [code]
    matched = runner.invoke(main, [*url, "match", "need", code, "--json"])
    assert matched.exit_code == 0 and json.loads(matched.output) == []
    missing = runner.invoke(main, [*url, "match", "need", "NO-SUCH", "--json"])
    assert missing.exit_code != 0 and "not found" in missing.output


def test_api_posts_edits_and_deletes_a_need(client, db):
    from medbridge.accounts import service as accounts

    with db.session() as session:
        org = make_org(session, name="示范创投", kind="investor")
        user = accounts.create_user(session, "poster", "long-enough-password-1", roles=[f"member:{org.id}"])
        token = accounts.create_token(session, user)
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/needs", json={"kind": "investment_thesis", "title": "投资脑机接口",
                                              "owner": "示范创投", "fields": ["brain_science"]}, headers=headers)
    assert created.status_code == 201, created.text
    need_id = created.json()["id"]
    assert client.patch(f"/api/needs/{need_id}", json={"ticket_min": 10, "ticket_max": 1},
                        headers=headers).status_code == 422
    assert client.patch(f"/api/needs/{need_id}", json={"status": "closed"}, headers=headers).json()["status"] == "closed"
    assert client.get("/api/needs", params={"status": "closed"}).json()["total"] == 1
    assert client.get("/api/search", params={"q": "脑机接口", "kind": "need"}).json()["items"][0]["id"] == need_id
    assert client.delete(f"/api/needs/{need_id}", headers=headers).status_code == 204
    assert client.get(f"/api/needs/{need_id}").status_code == 404
    assert client.get("/api/search", params={"q": "脑机接口"}).json()["total"] == 0
