"""/api/organizations and /api/people."""


def test_organizations_with_aliases_parent_and_region(admin_client):
    university = admin_client.post("/api/organizations", json={"name": "首都医科大学", "kind": "university",
                                                          "province": "北京市", "city": "北京市"})
    assert university.status_code == 201
    hospital = admin_client.post("/api/organizations", json={
        "name": "首都医科大学附属北京天坛医院", "kind": "医院", "aliases": ["天坛医院"],
        "parent": "首都医科大学", "province": "北京市", "city": "北京市", "district": "丰台区"}).json()
    assert hospital["parent"]["name"] == "首都医科大学" and hospital["aliases"] == ["天坛医院"]
    assert admin_client.get("/api/organizations", params={"q": "天坛"}).json()["total"] == 1
    assert admin_client.get("/api/organizations", params={"kind": "university"}).json()["items"][0]["name"] == "首都医科大学"
    assert admin_client.get("/api/organizations", params={"region": "丰台区"}).json()["total"] == 1


def test_duplicate_names_and_taken_aliases_are_refused(admin_client):
    admin_client.post("/api/organizations", json={"name": "甲医院", "kind": "hospital", "aliases": ["甲院"]})
    again = admin_client.post("/api/organizations", json={"name": "甲医院", "kind": "hospital"})
    taken = admin_client.post("/api/organizations", json={"name": "乙医院", "kind": "hospital", "aliases": ["甲院"]})
    assert again.status_code == 422 and taken.status_code == 422
    assert admin_client.get("/api/organizations").json()["total"] == 1


def test_people_have_titles_at_organizations(admin_client):
    admin_client.post("/api/organizations", json={"name": "甲医院", "kind": "hospital"})
    person = admin_client.post("/api/people", json={"name": "张医生", "expertise": ["神经外科"],
                                              "titles": [["甲医院", "主任医师"]]})
    assert person.status_code == 201
    assert person.json()["titles"][0]["organization"]["name"] == "甲医院"
    org_id = person.json()["titles"][0]["organization"]["id"]
    assert admin_client.get("/api/people", params={"organization_id": org_id}).json()["total"] == 1
    assert admin_client.post("/api/people", json={"name": "李", "titles": [["无此机构", "教授"]]}).status_code == 422
