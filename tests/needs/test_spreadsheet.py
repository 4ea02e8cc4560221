"""Needs in and out of spreadsheets: the export holds the filtered list and imports back
unchanged, the template explains itself and imports once its example is real, and a bad
sheet is refused row by row with the header as the person wrote it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from medbridge.accounts import audit
from medbridge.accounts.policy import COMMAND_LINE
from medbridge.library.taxonomy import get_taxonomy
from medbridge.needs import actions, service
from medbridge.needs.models import Need
from medbridge.needs.spreadsheet import EXPORT_COLUMNS, SHEET_FIELDS, column_label, export_needs, import_needs, template
from tests.factories import make_org

TAXONOMY = get_taxonomy()


def rows_of(content: bytes, fmt: str) -> list[list]:
    """The cells of the first sheet, as a person opening the file sees them."""
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [["" if value is None else value for value in row] for row in book.worksheets[0].iter_rows(values_only=True)]


def post(session, owner, title, **values) -> Need:
    return service.create_need(session, {"kind": "tech_need", "title": title, "owner_id": owner.id, **values}, "t")


def snapshot(session) -> dict[str, dict]:
    """Every need by code, as the import sees it (no ids or times)."""
    return {need.code: {name: getattr(need, name) for name in service.NEED_FIELDS}
            for need in session.query(Need).order_by(Need.code)}


@pytest.fixture
def owner(session):
    return make_org(session, name="示范医疗器械公司", kind="enterprise")


# --- export -------------------------------------------------------------------------------

def test_an_export_holds_every_page_of_the_filtered_list_and_nothing_else(session, owner):
    for number in range(25):
        post(session, owner, f"寻找支架技术{number}", code=f"XQ-A{number:02d}", kind="tech_need")
    post(session, owner, "投资体外诊断", code="XQ-B01", kind="investment_thesis", fields=["ivd"])
    post(session, owner, "已关闭的需求", code="XQ-C01", kind="tech_need", status="closed")
    rows = rows_of(export_needs(session, service.NeedFilters(kind="tech_need", status="open", per_page=5), "csv"), "csv")
    assert rows[0] == [column_label(key) for key in EXPORT_COLUMNS]
    codes = {row[0] for row in rows[1:]}
    assert codes == {f"XQ-A{number:02d}" for number in range(25)}  # all 25, not one page of 5
    only_ivd = rows_of(export_needs(session, service.NeedFilters(field="ivd"), "xlsx"), "xlsx")
    assert [row[0] for row in only_ivd[1:]] == ["XQ-B01"]
    assert rows_of(export_needs(session, service.NeedFilters(q="没有这样的需求"), "csv"), "csv")[1:] == []


def test_an_export_writes_labels_and_names_in_the_chosen_language(session, owner):
    post(session, owner, "投资AI影像", code="XQ-1", kind="investment_thesis", fields=["ai_medicine", "ivd"],
         ticket_min=500, ticket_max=3000.5)
    for lang in ("zh", "en"):
        [header, row] = rows_of(export_needs(session, service.NeedFilters(), "xlsx", lang), "xlsx")
        cell = dict(zip(header, row))
        assert cell[column_label("kind", lang)] == service.NEED_KINDS.label("investment_thesis", lang)
        assert cell[column_label("fields", lang)] == "；".join(TAXONOMY.fields.label(k, lang) for k in ("ai_medicine", "ivd"))
        assert cell[column_label("owner", lang)] == "示范医疗器械公司"
        assert (cell[column_label("ticket_min", lang)], cell[column_label("ticket_max", lang)]) == (500, 3000.5)
    assert column_label("kind", "en") == "Kind" and column_label("owner") == "发布机构"


def test_an_export_is_recorded_in_the_audit_trail(session, owner):
    post(session, owner, "寻找合作", code="XQ-1")
    actions.export(session, COMMAND_LINE, service.NeedFilters(kind="tech_need"), "csv", client="10.0.0.1")
    [event] = audit.list_events(session, action="need.export")[0]
    assert event.detail["format"] == "csv" and event.detail["filters"]["kind"] == "tech_need"
    assert event.client == "10.0.0.1" and event.username == "cli"


# --- the round trip -----------------------------------------------------------------------

@pytest.mark.parametrize("fmt, lang", [("csv", "zh"), ("xlsx", "en"), ("xlsx", "zh"), ("csv", "en")])
def test_an_exported_sheet_imports_back_unchanged_and_restores_deleted_needs(session, owner, fmt, lang):
    investor = make_org(session, name="示范创投, 北京", kind="investor")  # a comma in a name stays one cell
    post(session, owner, "=SUM(A1) 不是公式", code="XQ-EVERY", description="第一行\n第二行", region="上海",
         fields=TAXONOMY.fields.keys, stages=TAXONOMY.stages.keys, segments=TAXONOMY.segments.keys,
         keywords=["可降解支架", "镁合金"], ticket_min=0, ticket_max=99.5, status="matched", contact="-张三 010-1")
    service.create_need(session, {"kind": "investment_thesis", "title": "投资脑机接口", "owner_id": investor.id}, "t")
    before = snapshot(session)
    content = export_needs(session, service.NeedFilters(), fmt, lang)

    again = import_needs(session, f"needs.{fmt}", content, COMMAND_LINE)
    assert again.ok, again.errors or again.file_error
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert again.ignored_columns == [column_label("updated_at", lang)]
    assert snapshot(session) == before

    for need in session.query(Need).all():
        service.delete_need(session, need)
    restored = import_needs(session, f"needs.{fmt}", content, COMMAND_LINE)
    assert restored.ok and restored.created == 2
    assert snapshot(session) == before


def test_an_edited_export_updates_only_what_changed(session, owner):
    post(session, owner, "寻找合作", code="XQ-1", region="北京")
    post(session, owner, "寻找投资", code="XQ-2")
    header, *rows = rows_of(export_needs(session, service.NeedFilters(sort="code"), "csv"), "csv")
    rows[0][header.index("地区")] = "天津"
    rows[1][header.index("描述")] = ""  # a blank cell keeps the value
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    report = import_needs(session, "edited.csv", buffer.getvalue().encode(), COMMAND_LINE)
    assert (report.ok, report.updated, report.unchanged) == (True, 1, 1)
    assert service.get_need_by_ref(session, "XQ-1").region == "天津"


# --- template -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_has_the_headers_an_example_and_the_accepted_values(lang):
    headers, example = rows_of(template("csv", lang), "csv")
    assert headers == [column_label(key, lang) for key in SHEET_FIELDS]
    assert example[headers.index(column_label("kind", lang))] == service.NEED_KINDS.label("tech_need", lang)
    book = load_workbook(io.BytesIO(template("xlsx", lang)), read_only=True)
    assert [cell for cell in next(book.worksheets[0].iter_rows(values_only=True))] == headers
    instructions = {row[0]: row for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert set(instructions) == set(headers)
    for key, vocabulary in (("kind", service.NEED_KINDS), ("status", service.NEED_STATUSES),
                            ("fields", TAXONOMY.fields), ("stages", TAXONOMY.stages), ("segments", TAXONOMY.segments)):
        hint = instructions[column_label(key, lang)][2]
        assert all(label in hint for _, label in vocabulary.choices(lang)), key
    required = {name for name, row in instructions.items() if row[1]}
    assert required == {column_label(key, lang) for key in ("title", "owner", "kind")}


@pytest.mark.parametrize("fmt, lang", [("csv", "zh"), ("xlsx", "en")])
def test_the_template_imports_once_its_example_organization_is_a_real_one(session, fmt, lang):
    content = template(fmt, lang)
    as_is = import_needs(session, f"template.{fmt}", content, COMMAND_LINE, dry_run=True)
    assert not as_is.ok and as_is.file_error is None
    assert {(e["row"], e["column"]) for e in as_is.errors} == {(2, column_label("owner", lang))}
    placeholder = rows_of(content, fmt)[1][SHEET_FIELDS.index("owner")]
    make_org(session, name=placeholder, kind="enterprise")
    report = import_needs(session, f"template.{fmt}", content, COMMAND_LINE)
    assert report.ok and report.created == 1
    need = service.get_need_by_ref(session, "XQ-2025-001")
    assert (need.kind, need.fields, need.stages, need.ticket_max) == ("tech_need", ["high_end_device"],
                                                                      ["prototype", "preclinical"], 3000)


# --- what a bad sheet gets ----------------------------------------------------------------

def test_problems_name_the_row_and_the_header_as_written(session, owner):
    sheet = "需求名称,类型,单位,接受阶段\n好需求,技术需求,示范医疗器械公司,样机/原型\n坏需求,愿望,无此机构,永远\n"
    report = import_needs(session, "n.csv", sheet.encode(), COMMAND_LINE)
    assert not report.ok
    assert {(e["row"], e["column"]) for e in report.errors} == {(3, "类型"), (3, "单位"), (3, "接受阶段")}
    assert session.query(Need).count() == 0


def test_a_code_twice_in_one_sheet_is_a_problem_of_the_later_row(session, owner):
    sheet = "编号,标题,需求类型,发布机构\nXQ-9,甲,技术需求,示范医疗器械公司\nXQ-9,乙,技术需求,示范医疗器械公司\n"
    report = import_needs(session, "n.csv", sheet.encode(), COMMAND_LINE)
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "编号")]
    assert "第2行" in report.errors[0]["message"] and session.query(Need).count() == 0


def test_a_doubled_or_unknown_column_refuses_the_file(session, owner):
    doubled = import_needs(session, "n.csv", "标题,需求名称,需求类型,发布机构\n甲,乙,技术需求,示范医疗器械公司\n".encode(),
                           COMMAND_LINE)
    assert "两次" in doubled.file_error
    unknown = import_needs(session, "n.csv", "标题,需求类型,发布机构,颜色\n甲,技术需求,示范医疗器械公司,红\n".encode(),
                           COMMAND_LINE)
    assert "颜色" in unknown.file_error and "发布机构" in unknown.file_error



def test_data_under_a_blank_header_refuses_the_file_rather_than_being_dropped(session, owner):
    sheet = "标题,需求类型,发布机构,\n甲,技术需求,示范医疗器械公司,别丢了我\n"
    report = import_needs(session, "n.csv", sheet.encode(), COMMAND_LINE)
    assert "D" in report.file_error and "第2行" in report.file_error
    assert session.query(Need).count() == 0

# --- the command line ---------------------------------------------------------------------

def test_the_cli_exports_the_filtered_needs_and_the_file_imports_back(db, run, tmp_path):
    with db.session() as session:
        owner = make_org(session, name="示范医疗器械公司", kind="enterprise")
        other = make_org(session, name="别家企业", kind="enterprise")
        post(session, owner, "寻找支架", code="XQ-1")
        post(session, owner, "投资影像", code="XQ-2", kind="investment_thesis")
        post(session, other, "别家的需求", code="XQ-3")
    path = tmp_path / "needs.xlsx"
    done = run("needs", "export", str(path), "--kind", "技术需求", "--owner", "示范医疗器械公司", "--lang", "en", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["bytes"] == path.stat().st_size
    assert [row[0] for row in rows_of(path.read_bytes(), "xlsx")[1:]] == ["XQ-1"]
    back = run("needs", "import", str(path), "--json")
    assert back.exit_code == 0 and json.loads(back.output)["unchanged"] == 1
    with db.session() as session:
        assert audit.list_events(session, action="need.export")[1] == 1

    assert run("needs", "export", str(tmp_path / "n.pdf")).exit_code != 0
    unknown = run("needs", "export", str(tmp_path / "n.csv"), "--kind", "愿望")
    assert unknown.exit_code != 0 and "愿望" in unknown.output
