"""The needs' spreadsheet pages: /needs/import (upload, dry run, row-level report, size limit,
who may), the template downloads, /needs/export.{fmt} of the list as filtered, and the links
to them on /needs. The page is the outcome import's own (import.html), with the needs' words."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

from medbridge.accounts import audit
from medbridge.needs import service
from medbridge.needs.models import Need
from medbridge.web.i18n import translate
from tests.factories import make_org
from tests.web.helpers import sign_in

ORG = "示范医疗器械公司"
HEADER = "标题,需求类型,发布机构,关注领域\n"
GOOD_ROW = f"寻找可降解支架,技术需求,{ORG},高端医疗器械\n"
NOT_ALLOWED = "只有机构成员或管理员可以导入需求"


def member(client, db, username="poster"):
    with db.session() as session:
        org = make_org(session, name=ORG, kind="enterprise")
        make_org(session, name="别家企业", kind="enterprise")
    return sign_in(client, db, username, f"member:{org.id}")


def upload(client, content: bytes | str, dry_run=False, name="needs.csv"):
    content = content.encode() if isinstance(content, str) else content
    return client.post("/needs/import", data={"dry_run": "1"} if dry_run else {},
                       files={"file": (name, content, "text/csv")}, follow_redirects=False)


def error_rows(page: str) -> set[tuple[str, str]]:
    return {(row, column) for row, column in
            re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td><td>[^<]+</td></tr>', page)}


def in_english(client, url: str):
    client.cookies.set("lang", "en")
    try:
        return client.get(url)
    finally:
        client.cookies.delete("lang")


def count_needs(db) -> int:
    with db.session() as session:
        return session.query(Need).count()


# --- importing ----------------------------------------------------------------------------

def test_the_import_page_is_the_outcome_page_with_the_needs_paths_and_words(client, db):
    page = member(client, db).get("/needs/import")
    assert page.status_code == 200
    assert translate("needs_import_title", "zh") in page.text and translate("needs_import_explain", "zh") in page.text
    assert 'action="/needs/import"' in page.text
    assert 'href="/needs/import/template.xlsx"' in page.text and 'href="/needs/import/template.csv"' in page.text
    assert translate("needs_import_title", "en") in in_english(client, "/needs/import").text
    outcomes = sign_in(client, db, "office", "admin").get("/import")
    assert 'action="/import"' in outcomes.text and translate("import_title", "zh") in outcomes.text
    assert "/needs/import" not in outcomes.text


def test_a_dry_run_counts_and_writes_nothing_then_the_import_writes_and_is_audited(client, db):
    client = member(client, db)
    trial = upload(client, HEADER + GOOD_ROW, dry_run=True)
    assert trial.status_code == 200
    assert translate("dry_run_ok", "zh", total=1, created=1, updated=0) in trial.text
    assert count_needs(db) == 0

    done = upload(client, HEADER + GOOD_ROW)
    assert done.status_code == 303 and done.headers["location"].startswith("/needs/import?notice=imported")
    confirmation = client.get(done.headers["location"]).text
    assert translate("import_ok", "zh", total=1, created=1, updated=0) in confirmation
    assert 'href="/needs"' in confirmation and translate("needs_browse_all", "zh") in confirmation
    with db.session() as session:
        need = session.query(Need).one()
        assert (need.created_by, need.fields) == ("poster", ["high_end_device"])
        assert audit.list_events(session, action="need.import")[1] == 1


def test_bad_rows_are_listed_by_row_and_header_and_nothing_is_written(client, db):
    client = member(client, db)
    sheet = HEADER + GOOD_ROW + "缺类型的需求,,示范医疗器械公司,\n" + "别家的需求,技术需求,别家企业,不存在的领域\n"
    page = upload(client, sheet)
    assert page.status_code == 422
    assert translate("import_failed", "zh", n=3) in page.text
    assert error_rows(page.text) == {("3", "需求类型"), ("4", "发布机构"), ("4", "关注领域")}
    assert "无权为该机构发布需求" in page.text  # row 4 is another organization's
    assert count_needs(db) == 0


def test_a_missing_broken_or_too_large_file_is_refused_politely(client, db):
    client = member(client, db)
    missing = client.post("/needs/import", data={})
    assert missing.status_code == 422 and 'id="file-error"' in missing.text
    broken = upload(client, "not a spreadsheet", name="needs.xlsx")
    assert broken.status_code == 422 and "无法读取文件，未导入任何数据" in broken.text
    client.app.state.settings = dataclasses.replace(client.app.state.settings, max_upload_bytes=100)
    too_large = upload(client, HEADER + "x" * 200)
    assert too_large.status_code == 413
    assert translate("file_too_large", "zh", mb=f"{100 / (1024 * 1024):g}") in too_large.text
    assert 'action="/needs/import"' in too_large.text and count_needs(db) == 0


def test_only_people_who_may_post_needs_may_import_them(client, db):
    anonymous = client.get("/needs/import", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    sign_in(client, db, "reader", "viewer")
    for refused in (client.get("/needs/import"), upload(client, HEADER + GOOD_ROW)):
        assert refused.status_code == 403 and NOT_ALLOWED in refused.text
    api = client.post("/api/needs/import", files={"file": ("n.csv", (HEADER + GOOD_ROW).encode(), "text/csv")},
                      headers={"X-CSRF-Token": client.csrf})
    assert api.status_code == 403 and NOT_ALLOWED in api.json()["detail"]  # the same refusal as the API's
    assert count_needs(db) == 0


# --- the template -------------------------------------------------------------------------

def test_the_templates_download_in_the_page_language_and_import_once_the_example_is_real(client, db):
    client = sign_in(client, db, "root", "admin")
    zh = client.get("/needs/import/template.csv")
    assert zh.status_code == 200 and zh.headers["content-type"].startswith("text/csv")
    assert 'filename="needs-template.csv"' in zh.headers["content-disposition"]
    header, example = list(csv.reader(io.StringIO(zh.content.decode("utf-8-sig"))))
    assert header[:3] == ["编号", "需求类型", "标题"]
    english = in_english(client, "/needs/import/template.xlsx")
    assert english.content[:2] == b"PK"

    as_is = upload(client, zh.content, dry_run=True)
    assert as_is.status_code == 422 and error_rows(as_is.text) == {("2", "发布机构")}
    with db.session() as session:
        make_org(session, name=example[header.index("发布机构")], kind="enterprise")
    assert upload(client, zh.content).status_code == 303
    assert upload(client, english.content, name="template.xlsx", dry_run=True).status_code == 422  # its own example org
    assert count_needs(db) == 1


# --- export and the links on /needs -------------------------------------------------------

def seed_needs(db):
    with db.session() as session:
        org = make_org(session, name=ORG, kind="enterprise")
        for number in range(3):
            service.create_need(session, {"kind": "tech_need", "title": f"技术需求{number}", "owner_id": org.id,
                                          "code": f"XQ-T{number}"}, "seed")
        service.create_need(session, {"kind": "investment_thesis", "title": "投资影像", "owner_id": org.id,
                                      "code": "XQ-I1", "fields": ["ai_medicine"]}, "seed")


def test_the_export_holds_the_list_as_filtered_and_imports_back_through_the_page(client, db):
    seed_needs(db)
    listed = client.get("/needs", params={"kind": "investment_thesis", "page": 1})
    assert 'href="/needs/export.csv?kind=investment_thesis"' in listed.text
    assert 'href="/needs/export.xlsx?kind=investment_thesis"' in listed.text
    exported = client.get("/needs/export.csv?kind=investment_thesis")
    assert exported.status_code == 200 and 'filename="needs.csv"' in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["XQ-I1"]
    everything = in_english(client, "/needs/export.xlsx")
    assert everything.content[:2] == b"PK"
    assert client.get("/needs/export.pdf").status_code == 404

    all_rows = client.get("/needs/export.csv").content
    sign_in(client, db, "root", "admin")
    back = upload(client, all_rows)
    assert back.status_code == 303
    assert translate("import_ok", "zh", total=4, created=0, updated=0) in client.get(back.headers["location"]).text
    with db.session() as session:
        assert audit.list_events(session, action="need.export")[1] == 3  # csv, xlsx, csv (not the .pdf)


def test_the_list_filters_by_field_and_its_export_follows(client, db):
    seed_needs(db)
    listed = client.get("/needs", params={"field": "ai_medicine"}).text
    assert "投资影像" in listed and "技术需求0" not in listed
    assert 'href="/needs/export.csv?field=ai_medicine"' in listed
    assert '<option value="ai_medicine" selected>' in listed
    rows = list(csv.reader(io.StringIO(client.get("/needs/export.csv?field=ai_medicine").content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["XQ-I1"]
    assert "技术需求0" in client.get("/needs", params={"field": "no_such_field"}).text   # unknown: ignored


def test_the_list_links_to_import_for_posters_and_its_empty_state_says_what_to_do(client, db):
    anonymous = client.get("/needs")
    assert 'href="/needs/import"' not in anonymous.text and translate("needs_empty", "zh") in anonymous.text
    poster = member(client, db)
    empty = poster.get("/needs").text
    assert translate("needs_empty_post", "zh") in empty and empty.count('href="/needs/import"') == 2
    seed_needs_more(db)
    listed = poster.get("/needs").text
    assert 'href="/needs/import"' in listed and 'href="/needs/export.csv?"' in listed
    nothing = poster.get("/needs", params={"q": "没有这样的需求"}).text
    assert translate("needs_empty_filtered", "zh") in nothing and translate("needs_empty_post", "zh") not in nothing


def seed_needs_more(db):
    with db.session() as session:
        service.create_need(session, {"kind": "tech_need", "title": "寻找合作", "owner": ORG}, "seed")
