"""/api/chain: who may place organizations, coverage and targets as JSON, figures with their
sources, taxonomy versions, spreadsheet exports."""

import io

from openpyxl import load_workbook

from tests.factories import make_org


def seed(db):
    with db.session() as s:
        hospital = make_org(s, name="京南医院")
        maker = make_org(s, name="京南药业有限公司", kind="enterprise")
        far = make_org(s, name="沪上药业有限公司", kind="enterprise", province="上海市", city="上海市")
        park = make_org(s, name="京南医药园", kind="park")
        return {"hospital": hospital.id, "maker": maker.id, "far": far.id, "park": park.id}


def test_an_organizations_own_office_places_it_and_others_may_not(client, db, make_user):
    ids = seed(db)
    office = make_user("office", f"tto:{ids['hospital']}")
    stranger = make_user("stranger", f"tto:{ids['maker']}")
    body = {"organization_id": ids["hospital"], "chain": "medical_device", "segment": "clinical_trial"}
    assert client.post("/api/chain/placements", json=body, headers=stranger).status_code == 403
    assert client.post("/api/chain/placements", json=body).status_code == 401
    response = client.post("/api/chain/placements", json=body, headers=office)
    assert response.status_code == 201, response.text
    assert (response.json()["status"], response.json()["decided_by"]) == ("confirmed", "office")


def test_a_park_operator_confirms_the_suggestions_for_its_tenants(client, db, make_user, admin):
    ids = seed(db)
    operator = make_user("operator", f"operator:{ids['park']}")
    assert client.put(f"/api/chain/organizations/{ids['maker']}/park", json={"park_id": ids["park"]},
                      headers=operator).status_code == 403  # not yet its tenant
    assert client.put(f"/api/chain/organizations/{ids['maker']}/park", json={"park_id": ids["park"]},
                      headers=admin).json() == {"organization_id": ids["maker"], "park_id": ids["park"]}
    counts = client.post("/api/chain/suggestions", json={"organization_ids": [ids["maker"]]}, headers=operator).json()
    assert counts["added"] >= 1
    page = client.get("/api/chain/placements", params={"organization_id": ids["maker"], "status": "suggested"}).json()
    best = page["items"][0]
    assert (best["chain_key"], best["segment_key"]) == ("chemical_drug", "manufacturing")
    assert best["reasons"] and 0 < best["confidence"] < 1
    decided = client.post(f"/api/chain/placements/{best['id']}/decision", json={"confirm": True}, headers=operator)
    assert decided.json()["status"] == "confirmed"
    coverage = client.get("/api/chain/coverage", params={"park_id": ids["park"], "chain": "chemical_drug"}).json()
    manufacturing = next(s for s in coverage["chains"][0]["segments"] if s["segment"] == "manufacturing")
    assert (manufacturing["count"], manufacturing["status"]) == (1, "single")
    assert coverage["rules"]


def test_targets_for_a_gap_come_from_outside_the_region(admin_client, db):
    ids = seed(db)
    for org in ("maker", "far"):
        assert admin_client.post("/api/chain/placements", json={"organization_id": ids[org], "chain": "chemical_drug",
                                                                "segment": "distribution"}).status_code == 201
    found = admin_client.get("/api/chain/targets", params={"region": "北京市", "chain": "chemical_drug",
                                                           "segment": "distribution"}).json()
    assert [t["organization"]["name"] for t in found] == ["沪上药业有限公司"]
    assert admin_client.get("/api/chain/targets", params={"region": "北京市", "chain": "nope",
                                                          "segment": "rnd"}).status_code == 404


def test_an_article_figure_needs_its_source_and_quote(admin_client, db):
    body = {"region": "丰台区", "metric": "output_value", "value": 423, "period": "2024", "source_kind": "article"}
    response = admin_client.post("/api/chain/figures", json=body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"source_url", "quote"}
    body.update(source_url="https://news.example/a/1", quote="目前总规模约423亿元")
    created = admin_client.post("/api/chain/figures", json=body)
    assert created.status_code == 201 and created.json()["unit"] == "亿元"
    listed = admin_client.get("/api/chain/figures", params={"region": "丰台区"}).json()
    assert listed["total"] == 1 and listed["items"][0]["quote"] == "目前总规模约423亿元"
    assert admin_client.delete(f"/api/chain/figures/{created.json()['id']}").status_code == 204


def test_the_taxonomy_is_versioned_and_only_administrators_edit_it(client, db, admin, make_user):
    current = client.get("/api/chain/taxonomy").json()
    assert current["version"] == 1
    data = current["data"]
    data["chains"][0]["zh"] = "化学药（含原料药）"
    assert client.put("/api/chain/taxonomy", json={"data": data}, headers=make_user("reader", "viewer")).status_code == 403
    saved = client.put("/api/chain/taxonomy", json={"data": data, "reason": "改名"}, headers=admin).json()
    assert (saved["version"], saved["author"], saved["reason"]) == (2, "root", "改名")
    assert [v["version"] for v in client.get("/api/chain/taxonomy/versions").json()] == [2, 1]


def test_exports_are_spreadsheets(admin_client, db):
    ids = seed(db)
    admin_client.post("/api/chain/placements", json={"organization_id": ids["maker"], "chain": "chemical_drug",
                                                     "segment": "manufacturing"})
    response = admin_client.get("/api/chain/export/enterprises", params={"region": "北京市"})
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][4] == "京南药业有限公司"
    gaps = admin_client.get("/api/chain/export/gaps", params={"region": "北京市", "chain": "chemical_drug"})
    assert load_workbook(io.BytesIO(gaps.content)).sheetnames == ["覆盖与卡点", "招商目标", "规则"]
