"""/api/taxonomy, /api/classify, /api/rubric and the OpenAPI document."""

from tests.factories import make_org, outcome_data


def test_openapi_document_is_served(admin_client):
    paths = admin_client.get("/openapi.json").json()["paths"]
    assert {"/api/outcomes", "/api/outcomes/{outcome_id}", "/api/rubric", "/api/organizations"} <= set(paths)
    assert admin_client.get("/docs").status_code == 200


def test_taxonomy_in_both_languages(admin_client):
    zh = admin_client.get("/api/taxonomy").json()
    en = admin_client.get("/api/taxonomy", params={"lang": "en"}).json()
    assert len(zh["fields"]) == 8 and "脑科学与脑机接口" in [f["label"] for f in zh["fields"]]
    assert "Brain science & BCI" in [f["label"] for f in en["fields"]]


def test_classify_suggests_a_field_with_confidence_and_evidence(admin_client):
    result = admin_client.post("/api/classify", json={"text": "一种用于肺癌早筛的液体活检试剂盒"}).json()
    assert result["field"]["key"] == "ivd" and result["field"]["confidence"] > 0.5
    assert "试剂盒" in result["field"]["evidence"]
    assert result["kind"]["key"] == "diagnostic"


def test_rubric_edit_regrades_and_a_bad_rubric_is_refused(admin_client, db):
    with db.session() as s:
        owner = make_org(s)
    body = {key: value for key, value in outcome_data(owner).items() if key != "owner_id"}
    assert admin_client.post("/api/outcomes", json={**body, "owner": str(owner.id)}).status_code == 201
    rubric = admin_client.get("/api/rubric").json()
    data = rubric["data"]
    bad = {**data, "criteria": [dict(c, weight=-1) for c in data["criteria"]]}
    assert admin_client.put("/api/rubric", json={"data": bad}).status_code == 422
    for criterion in data["criteria"]:
        criterion["weight"] = 1
    saved = admin_client.put("/api/rubric", json={"data": data, "reason": "等权"}).json()
    assert saved["rubric"]["version"] == rubric["version"] + 1 and saved["regraded"] == 1
