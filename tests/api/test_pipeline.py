"""The JSON API of deals, cycle time, incubation, experts and competitions."""

from __future__ import annotations

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.registry.service import add_person
from medbridge.review import service as review


def start(client, world, level="public", **extra):
    body = {"outcome_id": world.ids[level], "organization_ids": [world.other_id], "mode": "license",
            "started_on": "2025-01-01", **extra}
    return client.post("/api/deals", json=body, headers=world.tto)


def test_a_deal_is_started_moved_and_read_back(client, world):
    created = start(client, world, value=250, documents=["NDA-1"])
    assert created.status_code == 201, created.text
    deal_id = created.json()["id"]
    moved = client.post(f"/api/deals/{deal_id}/moves", json={"stage": "nda", "happened_on": "2025-02-01"},
                        headers=world.tto)
    assert moved.status_code == 201 and moved.json()["stage"] == "nda"
    back = client.post(f"/api/deals/{deal_id}/moves", json={"stage": "contacted"}, headers=world.tto)
    assert back.status_code == 422 and back.json()["detail"][0]["field"] == "reason"
    read = client.get(f"/api/deals/{deal_id}", headers=world.member).json()
    assert [e["to_stage"] for e in read["events"]] == ["contacted", "nda"] and read["can_manage"] is False
    patched = client.patch(f"/api/deals/{deal_id}", json={"terms": "首付款+提成"}, headers=world.tto).json()
    assert patched["changed"] == ["terms"]


def test_an_absurd_counterparty_id_is_refused_not_a_server_error(client, world):
    answer = start(client, world, organization_ids=[-14287912245193803776, 2**40])
    assert answer.status_code == 422
    assert {problem["field"] for problem in answer.json()["detail"]} == {"organization_ids.0", "organization_ids.1"}


def test_deal_reads_follow_confidentiality(client, world):
    deal_id = start(client, world, level="confidential").json()["id"]
    assert client.get(f"/api/deals/{deal_id}", headers=world.member).status_code == 404
    assert client.get("/api/deals", headers=world.member).json()["total"] == 0
    assert client.get("/api/deals", headers=world.tto).json()["total"] == 1
    assert client.get("/api/deals").status_code == 401


def test_cycle_time_and_export(client, world):
    deal_id = start(client, world).json()["id"]
    client.post(f"/api/deals/{deal_id}/moves", json={"stage": "signed", "happened_on": "2025-01-31"}, headers=world.tto)
    report = client.get("/api/deals/cycle-time", headers=world.tto).json()
    assert report["end_to_end"]["median"] == 30 and dict(report["funnel"])["signed"] == 1
    sheet = client.get("/api/deals/export?format=xlsx", headers=world.tto)
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"


def test_a_competition_through_the_api(client, db, world, make_user):
    judge_headers = make_user("api-judge", "judge")
    with db.session() as s:
        expert = review.create_expert(s, COMMAND_LINE, add_person(s, "接口评委").id, username="api-judge")
        expert_id = expert.id
    body = {"name": "接口大赛", "year": 2025, "organizer_id": world.owner_id, "awards": [{"name": "一等奖", "count": 1}],
            "rounds": [{"name": "决赛", "judges_per_entry": 1,
                        "rubric": {"criteria": [{"key": "innovation", "weight": 1}], "scale": [0, 10]}}]}
    created = client.post("/api/competitions", json=body, headers=world.tto)
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    assert client.post("/api/competitions", json={**body, "name": "别人的"}, headers=world.stranger).status_code == 403
    client.post(f"/api/competitions/{cid}/entries", json={"title": "团队甲", "organization_id": world.other_id},
                headers=world.tto)
    client.post(f"/api/competitions/{cid}/judges", json={"expert_id": expert_id}, headers=world.tto)
    plan = client.post(f"/api/competitions/{cid}/rounds/1/assign", headers=world.tto).json()
    assert plan["shortfalls"] == {}
    mine = client.get(f"/api/competitions/{cid}/my-assignments", headers=judge_headers).json()
    assert len(mine) == 1
    scored = client.put(f"/api/assignments/{mine[0]['id']}/score", json={"scores": {"innovation": 8.5}},
                        headers=judge_headers)
    assert scored.status_code == 200 and scored.json()["total"] == 8.5
    assert client.get(f"/api/competitions/{cid}/ranking").status_code == 401     # not public before the end
    finished = client.post(f"/api/competitions/{cid}/finish", headers=world.tto).json()
    assert finished["items"][0]["award"] == "一等奖"
    assert client.get(f"/api/competitions/{cid}/ranking").json()["items"][0]["rank"] == 1
    assert client.get(f"/api/competitions/{cid}/results?format=csv").status_code == 200


def test_experts_are_listed_and_added_by_admins(client, db, world):
    with db.session() as s:
        person_id = add_person(s, "接口专家", expertise=["医疗器械"]).id
    body = {"person_id": person_id, "fields": ["high_end_device"], "is_tech_manager": True}
    assert client.post("/api/experts", json=body, headers=world.tto).status_code == 403
    created = client.post("/api/experts", json=body, headers=world.admin)
    assert created.status_code == 201
    listed = client.get("/api/experts?field=high_end_device&tech_managers=true").json()
    assert [e["name"] for e in listed["items"]] == ["接口专家"]
    assigned = client.post(f"/api/outcomes/{world.ids['public']}/tech-managers",
                           json={"expert_id": created.json()["id"]}, headers=world.tto)
    assert assigned.status_code == 201


def test_a_judge_declares_a_conflict_through_the_api(client, db, world, make_user):
    judge_headers = make_user("api-judge-2", "judge")
    with db.session() as s:
        expert_id = review.create_expert(s, COMMAND_LINE, add_person(s, "回避评委").id, username="api-judge-2").id
        competition = review.create_competition(s, COMMAND_LINE, "回避大赛", 2025, organizer_id=world.owner_id)
        entry_id = review.add_entry(s, COMMAND_LINE, competition, title="回避项目").id
        review.add_judge(s, COMMAND_LINE, competition, expert_id)
        cid = competition.id
    declared = client.post(f"/api/competitions/{cid}/conflicts", json={"entry_id": entry_id, "reason": "亲属"},
                           headers=judge_headers)
    assert declared.status_code == 201 and declared.json()["expert_id"] == expert_id
    plan = client.post(f"/api/competitions/{cid}/rounds/1/assign", headers=world.tto).json()
    assert plan["panels"][str(entry_id)] == [] and plan["shortfalls"][str(entry_id)] == 3
    assert client.post(f"/api/competitions/{cid}/conflicts", json={"entry_id": entry_id},
                       headers=world.member).status_code == 403


def test_an_incubator_cohort_is_its_operators(client, db, world, make_user):
    from medbridge.transfer import incubation
    from tests.factories import make_org

    with db.session() as s:
        incubator_id = make_org(s, name="接口孵化器", kind="incubator").id
        project_id = incubation.add_project(s, COMMAND_LINE, incubator_id, "接口项目").id
    operator = make_user("api-operator", f"operator:{incubator_id}")
    advanced = client.post(f"/api/incubation/{project_id}/advance", json={"phase": "acceleration"}, headers=operator)
    assert advanced.status_code == 200 and [p["phase"] for p in advanced.json()["phases"]] == ["validation", "acceleration"]
    assert client.get(f"/api/incubators/{incubator_id}/cohort", headers=operator).json()[0]["phase"] == "acceleration"
    assert client.get(f"/api/incubators/{incubator_id}/cohort", headers=world.member).status_code == 403
