"""Pages of the industry chain: the map with its rules and table, a segment's list and targets,
the heat map, figures with sources, the placement review, the taxonomy editor; zh and en."""

import json
from importlib import resources

from medbridge.chain import placement, taxonomy
from medbridge.chain.models import ChainPlacement, ClusterFigure
from tests.factories import make_org
from tests.web.helpers import sign_in


def seed(db):
    with db.session() as s:
        chains = taxonomy.current(s)
        maker = make_org(s, name="京南药业有限公司", kind="enterprise")
        far = make_org(s, name="沪上药业有限公司", kind="enterprise", province="上海市", city="上海市")
        placement.place(s, chains, maker, "chemical_drug", "manufacturing", "seed")
        placement.place(s, chains, far, "chemical_drug", "distribution", "seed")
        suggested = ChainPlacement(organization_id=maker.id, chain_key="chemical_drug", segment_key="rnd",
                                   status="suggested", confidence=0.55, reasons=["名称含“药业”"])
        s.add(suggested)
        s.flush()
        return {"maker": maker.id, "suggested": suggested.id}


def test_the_map_shows_coverage_choke_points_rules_and_chart_data(client, db):
    seed(db)
    page = client.get("/chain", params={"region": "北京市", "chain": "chemical_drug"})
    assert page.status_code == 200
    assert "京南药业有限公司" in page.text and "卡点" in page.text and "判定规则" in page.text
    assert '<script type="application/json" id="chain-data">' in page.text
    assert "/static/vendor/echarts/echarts.min.js" in page.text
    data = json.loads(page.text.split('id="chain-data">')[1].split("</script>")[0])
    segments = {s["segment"]: s for s in data["chains"][0]["segments"]}
    assert segments["manufacturing"]["organizations"][0]["name"] == "京南药业有限公司"
    assert segments["distribution"]["choke"]


def test_a_segment_page_lists_targets_for_a_gap(client, db):
    seed(db)
    page = client.get("/chain/segment", params={"region": "北京市", "chain": "chemical_drug", "segment": "distribution"})
    assert page.status_code == 200 and "沪上药业有限公司" in page.text and "已确认位于该环节" in page.text


def test_english_pages(english, db):
    seed(db)
    page = english.get("/chain", params={"region": "北京市"})
    assert "Industry-chain map" in page.text and "Choke point" in page.text and "The rules" in page.text


def test_the_heat_map_and_an_unknown_chain_fall_back_gracefully(client, db):
    seed(db)
    page = client.get("/chain/heatmap", params={"chain": "chemical_drug"})
    assert page.status_code == 200 and "北京市" in page.text and "上海市" in page.text
    assert client.get("/chain/heatmap", params={"chain": "nope", "level": "x"}).status_code == 200
    assert client.get("/chain", params={"park_id": "abc", "chain": "<script>"}).status_code == 200


def test_an_owner_confirms_a_suggestion_from_the_review_page(client, db):
    ids = seed(db)
    sign_in(client, db, "maker-office", f"tto:{ids['maker']}")
    review = client.get("/chain/placements")
    assert f"/chain/placements/{ids['suggested']}/decide" in review.text
    response = client.post(f"/chain/placements/{ids['suggested']}/decide", data={"confirm": "1", "back": "status=suggested"},
                           follow_redirects=False)
    assert response.status_code == 303
    with db.session() as s:
        assert s.get(ChainPlacement, ids["suggested"]).status == "confirmed"


def test_strangers_cannot_decide(client, db):
    ids = seed(db)
    sign_in(client, db, "stranger", "viewer")
    assert client.post(f"/chain/placements/{ids['suggested']}/decide", data={"confirm": "1"}).status_code == 403


def test_figures_form_keeps_input_and_explains_errors_then_saves(admin, db):
    page = admin.post("/chain/figures", data={"region": "丰台区", "metric": "output_value", "value": "abc",
                                              "period": "2024", "source_kind": "article"})
    assert page.status_code == 422 and "丰台区" in page.text and "原句" in page.text
    saved = admin.post("/chain/figures", data={"region": "丰台区", "metric": "output_value", "value": "423",
                                               "period": "2024", "source_kind": "article",
                                               "source_url": "https://news.example/a", "quote": "总规模约423亿元"},
                       follow_redirects=False)
    assert saved.status_code == 303
    listing = admin.get("/chain/figures")
    assert "总规模约423亿元" in listing.text and 'id="trend-data"' in listing.text
    with db.session() as s:
        assert s.query(ClusterFigure).count() == 1


def test_the_taxonomy_editor_refuses_invalid_json_and_saves_a_new_version(admin, db):
    assert admin.post("/chain/taxonomy", data={"data": "{not json"}).status_code == 422
    data = taxonomy.seed_data()
    data["chains"][0]["zh"] = "化学药（改）"
    saved = admin.post("/chain/taxonomy", data={"data": json.dumps(data), "reason": "改名"}, follow_redirects=False)
    assert saved.status_code == 303
    assert "化学药（改）" in admin.get("/chain/taxonomy").text


def test_the_chart_library_ships_with_its_licence():
    vendor = resources.files("medbridge") / "web" / "static" / "vendor" / "echarts"
    assert (vendor / "echarts.min.js").is_file()
    assert "Apache License" in (vendor / "LICENSE").read_text(encoding="utf-8")


def test_an_organizations_chain_page_places_it_by_hand_and_attaches_its_park(client, db):
    ids = seed(db)
    with db.session() as s:
        park = make_org(s, name="京南医药园", kind="park").id
    anonymous = client.get(f"/chain/organizations/{ids['maker']}")
    assert anonymous.status_code == 200 and "place-organization" not in anonymous.text
    sign_in(client, db, "maker-office", f"tto:{ids['maker']}")
    assert client.post(f"/chain/organizations/{ids['maker']}/place",
                       data={"segment": "tcm/herb_cultivation"}, follow_redirects=False).status_code == 303
    assert client.post(f"/chain/organizations/{ids['maker']}/place", data={"segment": "tcm/nowhere"}).status_code == 422
    assert client.post(f"/chain/organizations/{ids['maker']}/park", data={"park_id": str(park)},
                       follow_redirects=False).status_code == 303
    page = client.get(f"/chain/organizations/{ids['maker']}")
    assert "药材种植加工" in page.text and "京南医药园" in page.text
    decided = client.post(f"/chain/placements/{ids['suggested']}/decide", data={"confirm": "0", "from": "organization"},
                          follow_redirects=False)
    assert decided.headers["location"].startswith(f"/chain/organizations/{ids['maker']}")


def test_corridors_across_the_provinces_ticked(client, db):
    with db.session() as s:
        chains = taxonomy.current(s)
        for name, province, city, segment in (("京药研发", "北京市", "北京市", "rnd"),
                                              ("津药制剂", "天津市", "天津市", "manufacturing")):
            placement.place(s, chains, make_org(s, name=name, kind="enterprise", province=province, city=city),
                            "chemical_drug", segment, "seed")
    alone = client.get("/chain", params={"region": "北京市"})
    assert "京药研发" in alone.text and "天津市（" not in alone.text
    both = client.get("/chain", params=[("region", "北京市"), ("area", "北京市"), ("area", "天津市")])
    corridors = both.text.split('id="corridors"')[1]
    assert "北京市（技术研发）" in corridors and "天津市（生产加工（制剂））" in corridors
