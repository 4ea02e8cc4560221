"""/api/outcomes as a script or a front end uses it."""

import pytest

from tests.factories import make_org, outcome_data


@pytest.fixture
def owner(db):
    with db.session() as s:
        return make_org(s, name="首都医科大学附属北京天坛医院", aliases=["天坛医院"])


def new_outcome(admin_client, **overrides):
    body = {"code": "API-1", "title": "柔性脑机接口电极", "owner": "天坛医院", "kind": "器械/设备",
            "stage": "prototype", "trl": 5, "summary": "用于癫痫灶定位的柔性高密度脑电电极阵列", **overrides}
    return admin_client.post("/api/outcomes", json=body)


def test_create_accepts_labels_and_aliases_and_returns_the_grade(admin_client, owner):
    response = new_outcome(admin_client)
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["owner"]["name"], body["version"]) == ("device", "首都医科大学附属北京天坛医院", 1)
    assert body["field"] == "brain_science" and body["field_source"] == "suggested"
    assert body["grade"] in "ABCD" and len(body["grade_breakdown"]) == 6


def test_create_with_bad_input_lists_every_problem(admin_client, owner):
    response = new_outcome(admin_client, kind="飞船", trl=15, owner="没有这家医院")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} >= {"kind", "trl", "owner_id"}
    assert admin_client.get("/api/outcomes").json()["total"] == 0


def test_list_pages_filters_and_sorts(admin_client, owner):
    for i in range(25):
        new_outcome(admin_client, code=f"API-{i:02}", trl=(i % 9) + 1)
    first = admin_client.get("/api/outcomes", params={"per_page": 10, "sort": "code"}).json()
    assert (first["total"], first["pages"], len(first["items"])) == (25, 3, 10)
    assert first["items"][0]["code"] == "API-00"
    last = admin_client.get("/api/outcomes", params={"per_page": 10, "page": 3, "sort": "code"}).json()
    assert [o["code"] for o in last["items"]] == ["API-20", "API-21", "API-22", "API-23", "API-24"]
    high = admin_client.get("/api/outcomes", params={"sort": "-trl", "per_page": 3}).json()["items"]
    assert [o["trl"] for o in high] == [9, 9, 8]
    assert admin_client.get("/api/outcomes", params={"q": "API-07"}).json()["total"] == 1
    assert admin_client.get("/api/outcomes", params={"field": "tcm"}).json()["total"] == 0


def test_bad_paging_and_sorting_are_client_errors(admin_client, owner):
    assert admin_client.get("/api/outcomes", params={"per_page": 0}).status_code == 422
    assert admin_client.get("/api/outcomes", params={"per_page": 1000}).status_code == 422
    assert admin_client.get("/api/outcomes", params={"sort": "secret"}).status_code == 422


def test_patch_makes_a_version_and_history_diff_restore_work(admin_client, owner):
    outcome_id = new_outcome(admin_client).json()["id"]
    patched = admin_client.patch(f"/api/outcomes/{outcome_id}",
                           json={"trl": 7, "stage": "clinical", "reason": "进入临床试验"})
    assert patched.status_code == 200 and patched.json()["changed"] is True
    assert patched.json()["outcome"]["version"] == 2
    history = admin_client.get(f"/api/outcomes/{outcome_id}/versions").json()
    assert [(v["number"], v["author"], v["reason"]) for v in history] == [
        (2, "root", "进入临床试验"), (1, "root", "新建 / created")]
    diff = admin_client.get(f"/api/outcomes/{outcome_id}/diff", params={"a": 1, "b": 2}).json()
    assert {d["field"] for d in diff} == {"trl", "stage"}
    restored = admin_client.post(f"/api/outcomes/{outcome_id}/restore/1", json={"reason": "回退"}).json()
    assert restored["outcome"]["trl"] == 5 and restored["outcome"]["version"] == 3
    assert admin_client.get(f"/api/outcomes/{outcome_id}/versions/3").json()["snapshot"]["stage"] == "prototype"


def test_patch_with_nothing_new_changes_nothing(admin_client, owner):
    outcome_id = new_outcome(admin_client).json()["id"]
    result = admin_client.patch(f"/api/outcomes/{outcome_id}", json={"trl": 5}).json()
    assert result["changed"] is False and result["outcome"]["version"] == 1


def test_patch_with_a_bad_value_keeps_the_outcome_as_it_was(admin_client, owner):
    outcome_id = new_outcome(admin_client).json()["id"]
    assert admin_client.patch(f"/api/outcomes/{outcome_id}", json={"title": "", "stage": "飞升"}).status_code == 422
    body = admin_client.get(f"/api/outcomes/{outcome_id}").json()
    assert (body["title"], body["stage"], body["version"]) == ("柔性脑机接口电极", "prototype", 1)


def test_unknown_outcome_and_version_are_404(admin_client, owner):
    assert admin_client.get("/api/outcomes/9999").status_code == 404
    outcome_id = new_outcome(admin_client).json()["id"]
    assert admin_client.get(f"/api/outcomes/{outcome_id}/versions/7").status_code == 404
    assert admin_client.post(f"/api/outcomes/{outcome_id}/restore/7", json={}).status_code == 404


def test_grade_endpoint_returns_the_breakdown(admin_client, owner):
    outcome_id = new_outcome(admin_client).json()["id"]
    graded = admin_client.post(f"/api/outcomes/{outcome_id}/grade").json()
    assert sum(item["points"] for item in graded["breakdown"]) == pytest.approx(graded["score"], abs=0.3)


def test_delete_removes_the_outcome_and_its_history(admin_client, owner):
    outcome_id = new_outcome(admin_client).json()["id"]
    assert admin_client.delete(f"/api/outcomes/{outcome_id}").status_code == 204
    assert admin_client.get(f"/api/outcomes/{outcome_id}").status_code == 404
