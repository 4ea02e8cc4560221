"""/api/outcomes as a script or a front end uses it."""

import pytest

from tests.factories import make_org, outcome_data


@pytest.fixture
def owner(db):
    with db.session() as s:
        return make_org(s, name="首都医科大学附属北京天坛医院", aliases=["天坛医院"])


def new_outcome(client, **overrides):
    body = {"code": "API-1", "title": "柔性脑机接口电极", "owner": "天坛医院", "kind": "器械/设备",
            "stage": "prototype", "trl": 5, "summary": "用于癫痫灶定位的柔性高密度脑电电极阵列", **overrides}
    return client.post("/api/outcomes", json=body)


def test_create_accepts_labels_and_aliases_and_returns_the_grade(client, owner):
    response = new_outcome(client)
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["owner"]["name"], body["version"]) == ("device", "首都医科大学附属北京天坛医院", 1)
    assert body["field"] == "brain_science" and body["field_source"] == "suggested"
    assert body["grade"] in "ABCD" and len(body["grade_breakdown"]) == 6


def test_create_with_bad_input_lists_every_problem(client, owner):
    response = new_outcome(client, kind="飞船", trl=15, owner="没有这家医院")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} >= {"kind", "trl", "owner_id"}
    assert client.get("/api/outcomes").json()["total"] == 0


def test_list_pages_filters_and_sorts(client, owner):
    for i in range(25):
        new_outcome(client, code=f"API-{i:02}", trl=(i % 9) + 1)
    first = client.get("/api/outcomes", params={"per_page": 10, "sort": "code"}).json()
    assert (first["total"], first["pages"], len(first["items"])) == (25, 3, 10)
    assert first["items"][0]["code"] == "API-00"
    last = client.get("/api/outcomes", params={"per_page": 10, "page": 3, "sort": "code"}).json()
    assert [o["code"] for o in last["items"]] == ["API-20", "API-21", "API-22", "API-23", "API-24"]
    high = client.get("/api/outcomes", params={"sort": "-trl", "per_page": 3}).json()["items"]
    assert [o["trl"] for o in high] == [9, 9, 8]
    assert client.get("/api/outcomes", params={"q": "API-07"}).json()["total"] == 1
    assert client.get("/api/outcomes", params={"field": "tcm"}).json()["total"] == 0


def test_bad_paging_and_sorting_are_client_errors(client, owner):
    assert client.get("/api/outcomes", params={"per_page": 0}).status_code == 422
    assert client.get("/api/outcomes", params={"per_page": 1000}).status_code == 422
    assert client.get("/api/outcomes", params={"sort": "secret"}).status_code == 422


def test_patch_makes_a_version_and_history_diff_restore_work(client, owner):
    outcome_id = new_outcome(client).json()["id"]
    patched = client.patch(f"/api/outcomes/{outcome_id}",
                           json={"trl": 7, "stage": "clinical", "author": "王老师", "reason": "进入临床试验"})
    assert patched.status_code == 200 and patched.json()["changed"] is True
    assert patched.json()["outcome"]["version"] == 2
    history = client.get(f"/api/outcomes/{outcome_id}/versions").json()
    assert [(v["number"], v["author"]) for v in history] == [(2, "王老师"), (1, "api")]
    diff = client.get(f"/api/outcomes/{outcome_id}/diff", params={"a": 1, "b": 2}).json()
    assert {d["field"] for d in diff} == {"trl", "stage"}
    restored = client.post(f"/api/outcomes/{outcome_id}/restore/1", json={"author": "王老师"}).json()
    assert restored["outcome"]["trl"] == 5 and restored["outcome"]["version"] == 3
    assert client.get(f"/api/outcomes/{outcome_id}/versions/3").json()["snapshot"]["stage"] == "prototype"


def test_patch_with_nothing_new_changes_nothing(client, owner):
    outcome_id = new_outcome(client).json()["id"]
    result = client.patch(f"/api/outcomes/{outcome_id}", json={"trl": 5}).json()
    assert result["changed"] is False and result["outcome"]["version"] == 1


def test_patch_with_a_bad_value_keeps_the_outcome_as_it_was(client, owner):
    outcome_id = new_outcome(client).json()["id"]
    assert client.patch(f"/api/outcomes/{outcome_id}", json={"title": "", "stage": "飞升"}).status_code == 422
    body = client.get(f"/api/outcomes/{outcome_id}").json()
    assert (body["title"], body["stage"], body["version"]) == ("柔性脑机接口电极", "prototype", 1)


def test_unknown_outcome_and_version_are_404(client, owner):
    assert client.get("/api/outcomes/9999").status_code == 404
    outcome_id = new_outcome(client).json()["id"]
    assert client.get(f"/api/outcomes/{outcome_id}/versions/7").status_code == 404
    assert client.post(f"/api/outcomes/{outcome_id}/restore/7", json={}).status_code == 404


def test_grade_endpoint_returns_the_breakdown(client, owner):
    outcome_id = new_outcome(client).json()["id"]
    graded = client.post(f"/api/outcomes/{outcome_id}/grade").json()
    assert sum(item["points"] for item in graded["breakdown"]) == pytest.approx(graded["score"], abs=0.3)


def test_delete_removes_the_outcome_and_its_history(client, owner):
    outcome_id = new_outcome(client).json()["id"]
    assert client.delete(f"/api/outcomes/{outcome_id}").status_code == 204
    assert client.get(f"/api/outcomes/{outcome_id}").status_code == 404
