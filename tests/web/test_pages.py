"""The server-rendered pages, driven through HTTP as a browser would (forms, redirects, cookies).

Every test runs on SQLite and on PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.library import service
from medbridge.library.service import OutcomeFilters
from medbridge.registry import service as registry
from tests.factories import make_org, outcome_data
from tests.web.helpers import add_outcomes, codes_in, edit_form, load, sign_in, versions


# --- the list ---------------------------------------------------------------------------

def test_an_empty_library_says_how_to_fill_it(client):
    for url in ("/", "/outcomes"):
        page = client.get(url)
        assert page.status_code == 200
        assert "还没有成果，导入一个表格或新建" in page.text
        assert 'href="/import"' in page.text and 'href="/outcomes/new"' in page.text
    assert "还没有机构" in client.get("/organizations").text


def test_the_list_filters_by_field_and_text_and_pages_through(client, db):
    add_outcomes(db, 25)
    everything = client.get("/outcomes?per_page=10")
    assert "共 25 项，第 1/3 页" in everything.text
    assert len(codes_in(everything.text)) == 10
    assert 'href="?per_page=10&amp;page=2"' in everything.text or "page=2" in everything.text

    last = client.get("/outcomes?per_page=10&page=3")
    assert len(codes_in(last.text)) == 5
    seen = set(codes_in(everything.text)) | set(codes_in(client.get("/outcomes?per_page=10&page=2").text)) | set(codes_in(last.text))
    assert len(seen) == 25  # pages never overlap

    tcm = client.get("/outcomes?field=tcm")
    assert sorted(codes_in(tcm.text)) == [f"T-{i:03d}" for i in range(0, 25, 3)]
    assert '<option value="tcm" selected>' in tcm.text  # the form shows the filter in force

    assert codes_in(client.get("/outcomes", params={"q": "成果007号"}).text) == ["T-007"]
    nothing = client.get("/outcomes?q=不存在的成果")
    assert "没有符合筛选条件的成果" in nothing.text and "清除筛选" in nothing.text


def test_the_list_sorts_and_survives_malformed_parameters(client, db):
    add_outcomes(db, 5)
    by_code = codes_in(client.get("/outcomes?sort=code").text)
    assert by_code == sorted(by_code)
    page = client.get("/outcomes?sort=drop_table&page=abc&per_page=-3&owner_id=x")
    assert page.status_code == 200 and len(codes_in(page.text)) == 5


def test_the_list_filters_by_owner_region_grade_and_confidentiality(admin, db):
    client = admin
    with db.session() as session:
        beijing = make_org(session, name="北京甲医院")
        shanghai = make_org(session, name="上海乙医院", province="上海市", city="上海市")
        service.create_outcome(session, outcome_data(beijing, code="BJ-1"), author="a")
        service.create_outcome(session, outcome_data(shanghai, code="SH-1", confidentiality="confidential"), author="a")
        service.create_outcome(session, outcome_data(shanghai, code="SH-2", summary="", trl=None, stage="lab",
                                                     patents=[], market_size=None), author="a")
        weak_grade = service.get_outcome_by_ref(session, "SH-2").grade
        shanghai_id = shanghai.id
    assert codes_in(client.get("/outcomes?region=上海市&sort=code").text) == ["SH-1", "SH-2"]
    assert codes_in(client.get(f"/outcomes?owner_id={shanghai_id}&confidentiality=confidential").text) == ["SH-1"]
    assert "SH-2" in codes_in(client.get(f"/outcomes?grade={weak_grade}").text)


def test_demo_data_is_marked(client, db):
    add_outcomes(db, 2)
    assert "演示数据" not in client.get("/outcomes").text
    add_outcomes(db, 1, is_demo=True, code="DEMO-1")
    page = client.get("/outcomes")
    assert "演示数据" in page.text and "Demo data" in page.text


# --- one outcome ------------------------------------------------------------------------

def test_the_detail_page_explains_every_point_of_the_grade(client, db):
    [outcome_id] = add_outcomes(db, 1)
    outcome = load(db, outcome_id)
    response = client.get(f"/outcomes/{outcome_id}")
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert f'grade grade-{outcome.grade.lower()}' in page
    for item in outcome.grade_breakdown:
        assert item["zh"] in page and item["reason_zh"] in page
        assert f"{item['points']} / {item['max_points']}" in page
    assert "领域来源：人工选择" in page
    assert "alice" in page and "初始版本" in page  # the history is on the page


def test_a_suggested_field_shows_its_confidence(client, db):
    with db.session() as session:
        data = outcome_data(make_org(session), field="")
        outcome = service.create_outcome(session, data, author="alice")
        assert outcome.field_source == "suggested"
        outcome_id, confidence = outcome.id, outcome.field_confidence
    page = client.get(f"/outcomes/{outcome_id}").text
    assert f"系统建议（置信度 {confidence:.0%}）" in page


def test_what_people_typed_is_shown_as_text_never_as_markup(admin, db):
    client = admin
    [outcome_id] = add_outcomes(db, 1, title="<script>alert(1)</script>")
    for url in (f"/outcomes/{outcome_id}", "/outcomes", f"/outcomes/{outcome_id}/edit"):
        page = client.get(url).text
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in client.get("/rubric?notice=rubric_saved&version=<b>x</b>&count=3").text


def test_english_detail_uses_english_labels_and_reasons(english, db):
    [outcome_id] = add_outcomes(db, 1)
    outcome = load(db, outcome_id)
    page = english.get(f"/outcomes/{outcome_id}").text
    assert "Grade breakdown" in page and "Traditional Chinese medicine" in page
    assert outcome.grade_breakdown[0]["en"] in page
    assert "评级依据" not in page


# --- editing ----------------------------------------------------------------------------

def test_a_bad_value_reshows_the_form_with_the_error_and_changes_nothing(admin, db):
    [outcome_id] = add_outcomes(db, 1)
    before = load(db, outcome_id)
    posted = edit_form(db, outcome_id, title="改过的名称", trl="12", market_size="很多")
    page = admin.post(f"/outcomes/{outcome_id}/edit", data=posted, follow_redirects=False)
    assert page.status_code == 422
    assert "表单有 2 处问题" in page.text
    assert re.search(r'name="trl" id="trl" value="12"[^>]*aria-invalid="true"', page.text)
    assert 'id="trl-error">应为1到9的整数' in page.text
    assert 'id="market_size-error">“很多”不是数字' in page.text
    assert 'value="改过的名称"' in page.text  # nothing the user typed is lost
    assert 'value="补充数据"' in page.text
    after = load(db, outcome_id)
    assert (after.version, after.title, after.trl) == (before.version, before.title, before.trl)


def test_a_too_long_reason_is_refused_and_field_problems_are_reported_too(admin, db):
    [outcome_id] = add_outcomes(db, 1)
    posted = edit_form(db, outcome_id, reason="很" * 501, owner="不存在的医院", title="新名称")
    page = admin.post(f"/outcomes/{outcome_id}/edit", data=posted)
    assert page.status_code == 422
    assert 'id="reason-error">修改原因最长500字' in page.text
    assert 'id="owner-error">机构“不存在的医院”不存在' in page.text
    assert load(db, outcome_id).version == 1


def test_an_edit_is_a_new_version_by_the_signed_in_person_with_a_reason(client, db):
    [outcome_id] = add_outcomes(db, 1)
    sign_in(client, db, "wang.tto", "tto:北京天坛医院（测试）")
    posted = edit_form(db, outcome_id, trl="8", title="升级后的成果")
    assert "author" not in posted and 'name="author"' not in client.get(f"/outcomes/{outcome_id}/edit").text
    response = client.post(f"/outcomes/{outcome_id}/edit", data=posted, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/outcomes/{outcome_id}?notice=saved"
    outcome = load(db, outcome_id)
    assert (outcome.version, outcome.title, outcome.trl) == (2, "升级后的成果", 8)
    latest = versions(db, outcome_id)[0]
    assert (latest.number, latest.author, latest.reason) == (2, "wang.tto", "补充数据")

    page = client.get(response.headers["location"])
    assert "已保存为新版本" in page.text
    assert "升级后的成果" in page.text
    history = client.get(f"/outcomes/{outcome_id}/history").text
    assert "wang.tto" in history and "补充数据" in history
    assert "<del>1</del> → <ins>8</ins>" in history


def test_saving_the_form_unchanged_writes_no_version(admin, db):
    with db.session() as session:
        owner = make_org(session)
        outcome = service.create_outcome(session, outcome_data(owner, summary="第一行\n第二行", keywords=["脑", "CT"],
                                                               transfer_modes=["license", "equity"]), author="a")
        outcome_id = outcome.id
    for lang in ("zh", "en"):
        response = admin.post(f"/outcomes/{outcome_id}/edit", data=edit_form(db, outcome_id, lang,
                               summary="第一行\r\n第二行"), follow_redirects=False)
        assert response.headers["location"].endswith("notice=unchanged")
    assert load(db, outcome_id).version == 1


def test_a_new_outcome_is_created_with_the_suggested_field(client, db):
    with db.session() as session:
        make_org(session, name="测试医院")
    sign_in(client, db, "carol", "tto:测试医院")
    assert 'name="owner" id="owner" value="测试医院"' in client.get("/outcomes/new").text  # her only organization
    form = {"code": "NEW-1", "title": "基于深度学习的CT影像辅助诊断算法", "summary": "人工智能 辅助诊断",
            "owner": "测试医院", "kind": "software", "field": "", "stage": "lab"}
    suggested = client.post("/outcomes/new", data={**form, "action": "suggest"})
    assert suggested.status_code == 200
    assert "分类建议：数智医学/AI诊疗（置信度" in suggested.text
    assert '<option value="ai_medicine" selected>' in suggested.text
    assert 'name="suggested_field" value="ai_medicine"' in suggested.text
    assert 'value="基于深度学习的CT影像辅助诊断算法"' in suggested.text

    created = client.post("/outcomes/new", data={**form, "field": "ai_medicine", "suggested_field": "ai_medicine"},
                          follow_redirects=False)
    assert created.status_code == 303
    with db.session() as session:
        outcome = service.get_outcome_by_ref(session, "NEW-1")
        assert (outcome.field, outcome.field_source) == ("ai_medicine", "suggested")
        assert outcome.field_confidence and outcome.field_confidence >= 0.5
        assert service.list_versions(session, outcome)[0].author == "carol"


def test_a_new_outcome_with_errors_keeps_everything_typed(admin, db):
    page = admin.post("/outcomes/new", data={"code": "bad code!", "title": "某成果", "owner": "", "kind": "飞船",
                                             "stage": "lab", "transfer_modes": ["license", "equity"]})
    assert page.status_code == 422
    for name in ("code", "owner", "kind"):
        assert f'id="{name}-error"' in page.text
    assert 'value="bad code!"' in page.text and 'value="某成果"' in page.text
    assert 'value="license" checked' in page.text and 'value="equity" checked' in page.text
    with db.session() as session:
        assert service.list_outcomes(session, OutcomeFilters(), COMMAND_LINE).total == 0


# --- history, diff, restore -------------------------------------------------------------

def test_the_diff_shows_what_changed_between_any_two_versions(admin, db):
    client = admin
    [outcome_id] = add_outcomes(db, 1)
    client.post(f"/outcomes/{outcome_id}/edit", data=edit_form(db, outcome_id, trl="7"))
    client.post(f"/outcomes/{outcome_id}/edit", data=edit_form(db, outcome_id, title="第三版名称"))
    page = client.get(f"/outcomes/{outcome_id}/diff?a=1&b=3")
    assert page.status_code == 200
    assert "<del>1</del>" in page.text and "<ins>7</ins>" in page.text
    assert "<ins>第三版名称</ins>" in page.text
    assert "两个版本内容相同" in client.get(f"/outcomes/{outcome_id}/diff?a=2&b=2").text
    assert client.get(f"/outcomes/{outcome_id}/diff?a=1&b=9").status_code == 404


def test_restoring_asks_for_confirmation_then_makes_a_new_version(admin, db):
    client = admin
    [outcome_id] = add_outcomes(db, 1)
    client.post(f"/outcomes/{outcome_id}/edit", data=edit_form(db, outcome_id, trl="9", title="改坏了"))
    confirm = client.get(f"/outcomes/{outcome_id}/restore/1")
    assert confirm.status_code == 200
    assert "确认恢复" in confirm.text and 'method="post"' in confirm.text
    assert "<del>改坏了</del>" in confirm.text  # what restoring will undo
    assert load(db, outcome_id).version == 2  # looking is not restoring

    refused = client.post(f"/outcomes/{outcome_id}/restore/1", data={"reason": "太长" * 300})
    assert refused.status_code == 422 and load(db, outcome_id).version == 2

    done = client.post(f"/outcomes/{outcome_id}/restore/1", data={"reason": "误改"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("notice=restored")
    outcome = load(db, outcome_id)
    assert (outcome.version, outcome.title, outcome.trl) == (3, "成果000号", 1)
    assert (versions(db, outcome_id)[0].author, versions(db, outcome_id)[0].reason) == ("admin", "误改")
    assert client.post(f"/outcomes/{outcome_id}/restore/7", data={}).status_code == 404


# --- language, errors -------------------------------------------------------------------

def test_the_language_switch_sets_a_cookie_and_goes_back(client, db):
    add_outcomes(db, 1)
    assert "成果库" in client.get("/outcomes").text
    switched = client.get("/lang/en", headers={"referer": "http://testserver/outcomes?field=tcm&notice=saved"},
                          follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/outcomes?field=tcm"
    assert "lang=en" in switched.headers["set-cookie"]
    page = client.get("/outcomes?field=tcm").text
    assert "Outcome library" in page and "Traditional Chinese medicine" in page and '<html lang="en">' in page
    # Only a path on this site is a place to go back to.
    away = client.get("/lang/zh", headers={"referer": "https://evil.example/phish"}, follow_redirects=False)
    assert away.headers["location"] == "/"
    assert "成果库" in client.get("/outcomes").text


@pytest.mark.parametrize("url", ["/outcomes/999", "/outcomes/999/edit", "/outcomes/999/history",
                                 "/organizations/999", "/no/such/page", "/outcomes/abc", "/export.pdf",
                                 "/outcomes/1/diff?a=x"])
def test_unknown_things_get_one_plain_404_page(admin, db, url):
    client = admin
    add_outcomes(db, 1)
    page = client.get(url)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "页面不存在" in page.text and "Traceback" not in page.text


def test_the_api_keeps_its_json_errors(client):
    assert client.get("/api/outcomes/999").json()["detail"]
    assert client.get("/api/no-such-thing").json() == {"detail": "Not Found"}


# --- organizations ----------------------------------------------------------------------

def test_organizations_are_listed_filtered_and_shown_with_their_outcomes(client, db):
    with db.session() as session:
        university = make_org(session, name="首都医科大学（测试）", kind="university")
        hospital = make_org(session, name="首都医科大学附属北京天坛医院（测试）", aliases=["天坛医院"],
                            parent=university.id, district="丰台区")
        make_org(session, name="上海某企业", kind="enterprise", province="上海市", city="上海市")
        service.create_outcome(session, outcome_data(hospital, code="TT-9", title="天坛的成果"), author="a")
        hospital_id = hospital.id

    everything = client.get("/organizations").text
    assert "共 3 项" in everything and "天坛医院" in everything  # aliases in the list
    universities = client.get("/organizations?kind=university").text
    assert "首都医科大学（测试）" in universities and "上海某企业" not in universities
    shanghai = client.get("/organizations", params={"region": "上海市"}).text
    assert "上海某企业" in shanghai and "天坛医院" not in shanghai
    assert "天坛医院" in client.get("/organizations", params={"q": "天坛"}).text

    detail = client.get(f"/organizations/{hospital_id}").text
    assert 'id="aliases">天坛医院' in detail
    assert "首都医科大学（测试）" in detail  # the parent
    assert "北京市丰台区" in detail
    assert "天坛的成果" in detail and "TT-9" in detail
    assert f'href="/chain/organizations/{hospital_id}"' in detail  # where it sits in the industry chain


def test_an_organization_page_lists_its_people_with_titles_and_expertise(client, db):
    with db.session() as session:
        hospital = make_org(session, name="京南医院")
        registry.add_person(session, "王医生", expertise=["神经外科", "脑机接口"], titles=[("京南医院", "主任医师")])
        hospital_id = hospital.id
    detail = client.get(f"/organizations/{hospital_id}").text
    assert "王医生" in detail and "主任医师" in detail and "神经外科、脑机接口" in detail
    client.cookies.set("lang", "en")
    assert "People (1)" in client.get(f"/organizations/{hospital_id}").text


# --- rubric -----------------------------------------------------------------------------

def test_the_rubric_can_be_edited_and_regrades_every_outcome(client, db):
    add_outcomes(db, 3)
    sign_in(client, db, "eve", "admin")
    page = client.get("/rubric")
    assert page.status_code == 200 and "技术成熟度(TRL)" in page.text
    form = dict(re.findall(r'name="((?:weight|points|min)\.[^"]+)" id="[^"]+" value="([^"]*)"', page.text))
    assert form["weight.maturity"] == "25"
    form.update({"weight.maturity": "50", "reason": "更看重成熟度"})
    saved = client.post("/rubric", data=form, follow_redirects=False)
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"]).text
    assert "评分规则已保存为第2版，已重新评级 3 项成果" in shown
    assert 'name="weight.maturity" id="weight.maturity" value="50"' in shown
    with db.session() as session:
        assert service.current_rubric(session).author == "eve"
        assert {o.rubric_version for o in service.list_outcomes(session, OutcomeFilters(), COMMAND_LINE).items} == {2}


def test_rubric_errors_are_shown_and_nothing_is_saved(admin, db):
    client = admin
    page = client.get("/rubric")
    form = dict(re.findall(r'name="((?:weight|points|min)\.[^"]+)" id="[^"]+" value="([^"]*)"', page.text))
    not_a_number = client.post("/rubric", data={**form, "weight.ip": "很多"})
    assert not_a_number.status_code == 422
    assert 'id="weight.ip-error">不是数字' in not_a_number.text
    assert 'value="很多"' in not_a_number.text

    out_of_range = client.post("/rubric", data={**form, "points.ip.none": "1.5"})
    assert out_of_range.status_code == 422
    assert "评分规则未保存" in out_of_range.text and "points must be between 0 and 1" in out_of_range.text
    with db.session() as session:
        assert service.current_rubric(session).version == 1


# --- import and export ------------------------------------------------------------------

HEADER = "编号,名称,所属机构,成果类型,领域,阶段,技术成熟度TRL\n"


def upload(client, text: str, dry_run=False, name="outcomes.csv"):
    data = {}
    if dry_run:
        data["dry_run"] = "1"
    return client.post("/import", data=data, files={"file": (name, text.encode("utf-8"), "text/csv")},
                       follow_redirects=False)


def test_an_import_with_bad_rows_lists_them_and_writes_nothing(admin, db):
    client = admin
    with db.session() as session:
        make_org(session, name="测试医院")
    sheet = HEADER + "IMP-1,好成果,测试医院,软件/算法,数智医学/AI诊疗,实验室研究,4\n" \
                     "IMP-2,坏成果,没有这家医院,软件/算法,数智医学/AI诊疗,实验室研究,15\n"
    page = upload(client, sheet)
    assert page.status_code == 422
    assert "未导入任何数据" in page.text
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>', page.text)
    assert ("3", "所属机构") in {(row, column) for row, column, _ in rows}
    assert ("3", "技术成熟度TRL") in {(row, column) for row, column, _ in rows}
    with db.session() as session:
        assert service.list_outcomes(session, OutcomeFilters(), COMMAND_LINE).total == 0


def test_a_dry_run_counts_and_a_real_import_writes(client, db):
    with db.session() as session:
        make_org(session, name="测试医院")
    sign_in(client, db, "frank", "tto:测试医院")
    sheet = HEADER + "IMP-1,好成果,测试医院,软件/算法,数智医学/AI诊疗,实验室研究,4\n"
    trial = upload(client, sheet, dry_run=True)
    assert trial.status_code == 200 and "检查通过（试运行，未导入）" in trial.text
    with db.session() as session:
        assert service.list_outcomes(session, OutcomeFilters(), COMMAND_LINE).total == 0

    done = upload(client, sheet)
    assert done.status_code == 303
    assert "导入成功：共 1 行，新建 1 项，更新 0 项" in client.get(done.headers["location"]).text
    with db.session() as session:
        outcome = service.get_outcome_by_ref(session, "IMP-1")
        assert service.list_versions(session, outcome)[0].author == "frank"


def test_an_import_needs_a_file(admin):
    page = admin.post("/import", data={})
    assert page.status_code == 422
    assert 'id="file-error"' in page.text


def test_an_oversized_upload_is_refused_politely(admin, db):
    client = admin
    client.app.state.settings = dataclasses.replace(client.app.state.settings, max_upload_bytes=100)
    page = upload(client, HEADER + "x" * 200)
    assert page.status_code == 413
    assert "文件超过" in page.text and "未导入" in page.text


def test_a_broken_file_is_reported(admin):
    page = upload(admin, "not a spreadsheet", name="outcomes.xlsx")
    assert page.status_code == 422 and "无法读取文件，未导入任何数据" in page.text


def test_export_follows_the_filters_of_the_list(client, db):
    add_outcomes(db, 6)
    listed = client.get("/outcomes?field=tcm").text
    assert 'href="/export.csv?field=tcm"' in listed
    csv = client.get("/export.csv?field=tcm")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    text = csv.content.decode("utf-8-sig")
    assert "T-000" in text and "T-003" in text and "T-001" not in text
    xlsx = client.get("/export.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get("/import/template.xlsx").content[:2] == b"PK"
    assert client.get("/import/template.csv").content.decode("utf-8-sig").startswith("编号,")
