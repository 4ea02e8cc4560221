"""Importing and exporting outcomes as CSV and Excel sheets: every row or none.

Files are built in each test with the csv module and openpyxl, so what a test feeds the
importer is visible in the test itself.
"""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.library import service, spreadsheet
from medbridge.library.models import Outcome, OutcomeVersion
from medbridge.library.service import OutcomeFilters
from medbridge.library.spreadsheet import export_outcomes, import_outcomes, template
from tests.factories import make_org, outcome_data

TIANTAN = "首都医科大学附属北京天坛医院"


@pytest.fixture
def hospital(session):
    return make_org(session, name=TIANTAN, aliases=["天坛医院"])


# --- building files -----------------------------------------------------------------------

def zh_row(code, **cells):
    """A valid row with Chinese headers; keyword arguments replace or add cells."""
    row = {"编号": code, "名称": f"脑卒中CT影像辅助诊断软件 {code}", "所属机构": "天坛医院",
           "成果类型": "软件/算法", "领域": "数智医学/AI诊疗", "阶段": "临床试验", "技术成熟度TRL": "6",
           "发明人": "张三；李四", "专利": "CN202310001234.5:发明专利:已授权", "转化方式": "许可、合作开发"}
    row.update(cells)
    return row


def en_row(code, **cells):
    row = {"Code": code, "Title": f"Stroke CT triage software {code}", "Owner organization": TIANTAN,
           "Kind": "Software", "Field": "Digital & AI medicine", "Stage": "Clinical trial", "TRL": 6.0,
           "Inventors": "Zhang San, Li Si", "Market size (100M CNY)": 12.5}
    row.update(cells)
    return row


def table(*rows: dict) -> list[list]:
    """A header row (every key, in order of first appearance) and one list per row."""
    headers = list(dict.fromkeys(key for row in rows for key in row))
    return [headers] + [[row.get(header, "") for header in headers] for row in rows]


def csv_file(rows: list[list], encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def outcome_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Outcome))


def version_count(session) -> int:
    return session.scalar(select(func.count()).select_from(OutcomeVersion))


def error_rows(report) -> list[int]:
    return sorted({error["row"] for error in report.errors})


# --- clean imports ------------------------------------------------------------------------

def test_a_clean_csv_with_chinese_headers_creates_every_row(session, hospital):
    content = csv_file(table(zh_row("T-001"), zh_row("T-002", 成果类型="器械/设备", 阶段="样机/原型")))
    report = import_outcomes(session, "成果.csv", content, author="alice", viewer=COMMAND_LINE)
    assert report.to_dict() == {"ok": True, "dry_run": False, "total_rows": 2, "created": 2, "updated": 0,
                                "unchanged": 0, "errors": [], "file_error": None, "ignored_columns": []}
    outcome = service.get_outcome_by_ref(session, "T-001")
    assert (outcome.owner_id, outcome.kind, outcome.field, outcome.stage, outcome.trl) == (
        hospital.id, "software", "ai_medicine", "clinical", 6)
    assert outcome.inventors == ["张三", "李四"]
    assert outcome.transfer_modes == ["license", "co_development"]
    assert outcome.patents == [{"number": "CN202310001234.5", "type": "invention", "status": "granted"}]
    [version] = service.list_versions(session, outcome)
    assert (version.author, version.reason) == ("alice", "导入新增 / import: 成果.csv")


def test_a_clean_xlsx_with_english_headers_creates_every_row(session, hospital):
    content = xlsx_file(table(en_row("T-001"), en_row(2024017, TRL=None, Kind="device")))
    report = import_outcomes(session, "outcomes.xlsx", content, author="alice", viewer=COMMAND_LINE)
    assert (report.ok, report.created) == (True, 2)
    first, numbered = service.get_outcome_by_ref(session, "T-001"), service.get_outcome_by_ref(session, "2024017")
    assert (first.trl, first.market_size, first.inventors) == (6, 12.5, ["Zhang San", "Li Si"])
    assert (numbered.kind, numbered.trl) == ("device", None)


def test_cells_typed_by_excel_are_read_as_people_see_them(session, hospital):
    row = en_row(" T-009 ", TRL=7.0, Summary=datetime.date(2024, 5, 1), Contact=None,
                 **{"Market size (100M CNY)": "1,200亿元"})
    assert import_outcomes(session, "typed.xlsx", xlsx_file(table(row)), author="alice", viewer=COMMAND_LINE).ok
    outcome = service.get_outcome_by_ref(session, "T-009")
    assert (outcome.trl, outcome.summary, outcome.contact, outcome.market_size) == (7, "2024-05-01", "", 1200.0)


def test_unicode_text_saved_by_excel_is_accepted(session, hospital):
    rows = table(zh_row("T-001"))
    content = "\n".join("\t".join(str(cell) for cell in row) for row in rows).encode("utf-16")  # with BOM
    assert import_outcomes(session, "unicode.csv", content, author="alice", viewer=COMMAND_LINE).created == 1


def test_headers_match_synonyms_ignoring_case_and_spaces(session, hospital):
    rows = [["成果名称", " 项目编号 ", "完成单位", "TYPE", "研发阶段", "trl", "技术领域", "备注"],
            ["一种可降解镁合金血管支架", "T-001", "天坛医院", "器械/设备", "样机/原型", "5", "高端医疗器械", "二期"]]
    report = import_outcomes(session, "sheet.csv", csv_file(rows), author="alice", viewer=COMMAND_LINE)
    assert report.ok and report.ignored_columns == ["备注"]
    outcome = service.get_outcome_by_ref(session, "T-001")
    assert (outcome.title, outcome.kind, outcome.trl, outcome.field) == (
        "一种可降解镁合金血管支架", "device", 5, "high_end_device")


def test_a_blank_field_is_suggested_from_the_text(session, hospital):
    report = import_outcomes(session, "a.csv", csv_file(table(zh_row("T-001", 领域="", 名称="基于深度学习的人工智能辅助诊断算法"))),
                             author="alice", viewer=COMMAND_LINE)
    assert report.ok
    outcome = service.get_outcome_by_ref(session, "T-001")
    assert (outcome.field, outcome.field_source) == ("ai_medicine", "suggested")


# --- all or nothing -----------------------------------------------------------------------

def test_fifty_rows_with_three_bad_ones_write_nothing_and_name_exactly_those_rows(session, hospital):
    rows = [zh_row(f"T-{n:03}") for n in range(50)]   # data rows are spreadsheet rows 2..51
    rows[9]["成果类型"] = "飞船"                       # row 11
    rows[24]["技术成熟度TRL"] = "12"                   # row 26
    rows[39]["编号"] = "T-000"                         # row 41 repeats row 2's code
    report = import_outcomes(session, "batch.xlsx", xlsx_file(table(*rows)), author="alice", viewer=COMMAND_LINE)
    assert not report.ok and report.file_error is None
    assert report.total_rows == 50
    assert [(e["row"], e["column"], e["field"]) for e in report.errors] == [
        (11, "成果类型", "kind"), (26, "技术成熟度TRL", "trl"), (41, "编号", "code")]
    assert "第2行" in report.errors[2]["message"] and "row 2" in report.errors[2]["message"]
    assert (report.created, report.updated) == (0, 0)
    assert outcome_count(session) == 0


def test_wrong_values_are_reported_cell_by_cell_at_once(session, hospital):
    bad = zh_row("T 001", 技术成熟度TRL="六", 成果类型="飞船", 所属机构="不存在的医院",
                 专利="CN1:奇怪类型", **{"市场规模(亿元)": "很多"})
    report = import_outcomes(session, "bad.csv", csv_file(table(zh_row("T-000"), bad)), author="alice", viewer=COMMAND_LINE)
    assert {(e["row"], e["column"], e["field"]) for e in report.errors} == {
        (3, "编号", "code"), (3, "技术成熟度TRL", "trl"), (3, "成果类型", "kind"), (3, "所属机构", "owner"),
        (3, "专利", "patents"), (3, "市场规模(亿元)", "market_size")}
    assert all(re.search(r"[\u4e00-\u9fff].*/ [A-Za-z]", e["message"]) for e in report.errors)  # 中文 / English
    assert outcome_count(session) == 0


def test_a_missing_required_value_names_its_column(session, hospital):
    report = import_outcomes(session, "a.csv", csv_file(table(zh_row("T-001", 名称=""))), author="alice", viewer=COMMAND_LINE)
    assert report.errors == [{"row": 2, "column": "名称", "field": "title", "message": "必填 / required"}]


def test_duplicate_codes_in_the_file_are_reported_on_each_later_row(session, hospital):
    rows = table(zh_row("T-001"), zh_row("T-002"), zh_row("T-001"), zh_row("T-001"))
    report = import_outcomes(session, "dup.csv", csv_file(rows), author="alice", viewer=COMMAND_LINE)
    assert [(e["row"], e["field"]) for e in report.errors] == [(4, "code"), (5, "code")]
    assert all("第2行" in e["message"] for e in report.errors)
    assert outcome_count(session) == 0


def test_an_explicit_add_of_an_existing_code_is_an_error(session, hospital):
    service.create_outcome(session, outcome_data(hospital, code="T-001"), author="alice")
    report = import_outcomes(session, "a.csv", csv_file(table(zh_row("T-001", 操作="新增"))), author="bob", viewer=COMMAND_LINE)
    assert [(e["row"], e["field"]) for e in report.errors] == [(2, "code")]
    assert "已存在" in report.errors[0]["message"]


def test_an_update_of_an_unknown_code_is_an_error(session, hospital):
    report = import_outcomes(session, "a.csv", csv_file(table(zh_row("T-404", 操作="UPDATE"))), author="bob", viewer=COMMAND_LINE)
    assert [(e["row"], e["field"]) for e in report.errors] == [(2, "code")]
    assert "不存在" in report.errors[0]["message"]


def test_an_unknown_action_is_an_error(session, hospital):
    report = import_outcomes(session, "a.csv", csv_file(table(zh_row("T-001", 操作="删除"))), author="bob", viewer=COMMAND_LINE)
    assert report.errors[0]["column"] == "操作" and report.errors[0]["field"] == "action"


def test_blank_rows_are_skipped_and_row_numbers_stay_as_excel_shows_them(session, hospital):
    rows = table(zh_row("T-001"), zh_row("T-002", 成果类型="飞船"))
    rows.insert(2, [""] * len(rows[0]))   # a blank spreadsheet row 3
    report = import_outcomes(session, "gap.xlsx", xlsx_file(rows), author="alice", viewer=COMMAND_LINE)
    assert report.total_rows == 2 and error_rows(report) == [4]


# --- updates ------------------------------------------------------------------------------

def test_update_rows_change_only_their_non_blank_cells_as_a_new_version(session, hospital):
    outcome = service.create_outcome(session, outcome_data(hospital, code="T-001", trl=6), author="alice")
    title = outcome.title
    rows = table({"编号": "T-001", "名称": "", "所属机构": "", "成果类型": "", "阶段": "注册申报",
                  "技术成熟度TRL": "8", "操作": "更新"})
    report = import_outcomes(session, "更新.csv", csv_file(rows), author="bob", viewer=COMMAND_LINE)
    assert (report.ok, report.created, report.updated) == (True, 0, 1)
    assert (outcome.version, outcome.trl, outcome.stage, outcome.title) == (2, 8, "registration", title)
    latest = service.list_versions(session, outcome)[0]
    assert (latest.author, latest.reason) == ("bob", "导入更新 / import update: 更新.csv")


def test_a_blank_action_adds_new_codes_and_updates_existing_ones(session, hospital):
    service.create_outcome(session, outcome_data(hospital, code="T-001", trl=6), author="alice")
    rows = table(zh_row("T-001", 技术成熟度TRL="7"), zh_row("T-002"))
    report = import_outcomes(session, "mixed.csv", csv_file(rows), author="bob", viewer=COMMAND_LINE)
    assert (report.created, report.updated) == (1, 1)
    assert service.get_outcome_by_ref(session, "T-001").trl == 7


def test_dry_run_checks_and_counts_but_writes_nothing(session, hospital):
    service.create_outcome(session, outcome_data(hospital, code="T-001", trl=6), author="alice")
    rows = table(zh_row("T-001", 技术成熟度TRL="7"), zh_row("T-002"), zh_row("T-003"))
    report = import_outcomes(session, "a.csv", csv_file(rows), author="bob", dry_run=True, viewer=COMMAND_LINE)
    assert (report.ok, report.dry_run, report.created, report.updated) == (True, True, 2, 1)
    assert (outcome_count(session), version_count(session)) == (1, 1)
    assert service.get_outcome_by_ref(session, "T-001").trl == 6


def test_a_crash_while_writing_leaves_the_database_as_it_was(session, hospital, monkeypatch):
    existing = service.create_outcome(session, outcome_data(hospital, code="T-000", trl=6), author="alice")
    real_insert, calls = service.insert_outcome, []

    def insert_failing_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(service, "insert_outcome", insert_failing_on_third)
    rows = table(zh_row("T-000", 技术成熟度TRL="8"), *(zh_row(f"T-00{n}") for n in range(1, 5)))
    with pytest.raises(RuntimeError, match="disk full"):
        import_outcomes(session, "a.csv", csv_file(rows), author="bob", viewer=COMMAND_LINE)
    assert (outcome_count(session), version_count(session)) == (1, 1)
    session.refresh(existing)
    assert (existing.trl, existing.version) == (6, 1)


# --- whole-file problems ------------------------------------------------------------------

def test_gbk_csv_from_chinese_excel_is_accepted(session, hospital):
    for encoding, code in (("gbk", "T-001"), ("gb18030", "T-002"), ("utf-8", "T-003")):
        report = import_outcomes(session, "a.csv", csv_file(table(zh_row(code)), encoding), author="alice", viewer=COMMAND_LINE)
        assert report.ok, (encoding, report)
    assert service.get_outcome_by_ref(session, "T-001").title.startswith("脑卒中")


@pytest.mark.parametrize("content, problem", [
    (csv_file([["code", "title"], ["T-1", "x"]], "utf-16-le"), "UTF-16"),   # no byte-order mark
    (bytes(range(256)) * 8, "二进制"),
    (b"code,title\n\x80\x81,\xff\xfe\n", "编码"),
    (xlsx_file([["code"], ["T-1"]]), ".xlsx"),                             # a workbook named .csv
])
def test_binary_or_undecodable_csv_is_refused(session, content, problem):
    report = import_outcomes(session, "a.csv", content, author="alice", viewer=COMMAND_LINE)
    assert not report.ok and problem in report.file_error


@pytest.mark.parametrize("filename, content", [
    ("a.csv", b""), ("a.csv", "\ufeff\r\n\r\n".encode()), ("a.xlsx", xlsx_file([])),
])
def test_an_empty_file_is_refused(session, filename, content):
    report = import_outcomes(session, filename, content, author="alice", viewer=COMMAND_LINE)
    assert report.file_error == "文件是空的 / the file is empty"


def test_a_header_without_data_rows_is_refused(session):
    report = import_outcomes(session, "a.csv", csv_file([list(zh_row("T-1"))]), author="alice", viewer=COMMAND_LINE)
    assert "没有数据行" in report.file_error


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(session, monkeypatch):
    monkeypatch.setattr(spreadsheet, "_collect", lambda *a: pytest.fail("the file was parsed"))
    report = import_outcomes(session, "big.xlsx", b"\0" * 2048, author="alice", max_bytes=1024, viewer=COMMAND_LINE)
    assert report.file_error.startswith("文件大小2.0KB，超过1.0KB上限")


def test_too_many_rows_refuses_the_whole_file(session, hospital):
    content = csv_file(table(*(zh_row(f"T-{n}") for n in range(6))))
    report = import_outcomes(session, "a.csv", content, author="alice", max_rows=5, viewer=COMMAND_LINE)
    assert "5" in report.file_error and outcome_count(session) == 0
    assert import_outcomes(session, "a.csv", content, author="alice", max_rows=6, viewer=COMMAND_LINE).created == 6


def test_old_excel_xls_is_refused_with_advice(session):
    report = import_outcomes(session, "旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, author="a", viewer=COMMAND_LINE)
    assert ".xls" in report.file_error and ".xlsx" in report.file_error and "CSV" in report.file_error


@pytest.mark.parametrize("content", [xlsx_file(table(zh_row("T-1")))[:400], b"not a zip at all"])
def test_a_corrupted_xlsx_is_refused(session, content):
    report = import_outcomes(session, "a.xlsx", content, author="alice", viewer=COMMAND_LINE)
    assert "无法读取该Excel文件" in report.file_error


def test_an_unknown_file_type_is_refused(session):
    assert ".pdf" in import_outcomes(session, "a.pdf", b"%PDF-1.7", author="alice", viewer=COMMAND_LINE).file_error


def test_an_unknown_column_is_refused_naming_it_and_the_accepted_headers(session, hospital):
    content = csv_file(table(zh_row("T-001", 颜色="红")))
    report = import_outcomes(session, "a.csv", content, author="alice", viewer=COMMAND_LINE)
    assert "颜色" in report.file_error and "技术成熟度TRL" in report.file_error and "Accepted" in report.file_error
    assert outcome_count(session) == 0


def test_a_missing_required_column_is_refused(session, hospital):
    row = zh_row("T-001")
    del row["阶段"]
    report = import_outcomes(session, "a.csv", csv_file(table(row)), author="alice", viewer=COMMAND_LINE)
    assert report.file_error == "缺少必填列：阶段 / required columns missing: Stage"


def test_the_same_column_twice_is_refused(session, hospital):
    content = csv_file(table(zh_row("T-001", Title="x")))
    assert "名称" in import_outcomes(session, "a.csv", content, author="alice", viewer=COMMAND_LINE).file_error


def test_data_under_a_blank_header_is_refused(session, hospital):
    rows = table(zh_row("T-001"))
    rows[0].append("")
    rows[1].append("遗漏的数据")
    assert "no header" in import_outcomes(session, "a.csv", csv_file(rows), author="alice", viewer=COMMAND_LINE).file_error


# --- export -------------------------------------------------------------------------------

def read_csv_export(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode())   # so Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_export_writes_the_filtered_outcomes_with_labels(session, hospital):
    service.create_outcome(session, outcome_data(hospital, code="S-1", transfer_modes=["license", "equity"]), author="a")
    service.create_outcome(session, outcome_data(hospital, code="D-1", kind="device", title="血管支架"), author="a")
    [row] = read_csv_export(export_outcomes(session, OutcomeFilters(kind="software"), "csv", COMMAND_LINE))
    assert list(row)[:4] == ["编号", "名称", "简介", "所属机构"]
    assert list(row)[-4:] == ["等级", "评分", "版本", "更新时间(UTC)"]
    assert (row["编号"], row["所属机构"], row["成果类型"], row["阶段"]) == ("S-1", TIANTAN, "软件/算法", "临床试验")
    assert (row["发明人"], row["转化方式"]) == ("张三；李四", "许可；作价入股")
    assert row["专利"] == "CN202310001234.5:发明专利:已授权"
    assert row["版本"] == "1" and row["等级"] in {"A", "B", "C", "D"}


def test_export_ignores_pagination(session, hospital):
    for n in range(3):
        service.create_outcome(session, outcome_data(hospital, code=f"T-{n}"), author="a")
    rows = read_csv_export(export_outcomes(session, OutcomeFilters(per_page=1, page=2), "csv", COMMAND_LINE))
    assert len(rows) == 3


def test_xlsx_export_in_english(session, hospital):
    service.create_outcome(session, outcome_data(hospital, code="S-1"), author="a")
    workbook = openpyxl.load_workbook(io.BytesIO(export_outcomes(session, OutcomeFilters(), "xlsx", COMMAND_LINE, "en")))
    header, row = workbook.worksheets[0].iter_rows(values_only=True)
    record = dict(zip(header, row))
    assert (record["Kind"], record["Stage"], record["TRL"]) == ("Software", "Clinical trial", 6)
    assert record["Patents"] == "CN202310001234.5:Invention:Granted"


def test_text_that_looks_like_a_formula_is_exported_as_text(session, hospital):
    service.create_outcome(session, outcome_data(hospital, code="F-1", title="=HYPERLINK(\"x\")",
                                                 contact="+86 10 0000"), author="a")
    [row] = read_csv_export(export_outcomes(session, OutcomeFilters(), "csv", COMMAND_LINE))
    assert (row["名称"], row["联系人"]) == ("'=HYPERLINK(\"x\")", "'+86 10 0000")
    workbook = openpyxl.load_workbook(io.BytesIO(export_outcomes(session, OutcomeFilters(), "xlsx", COMMAND_LINE)))
    assert workbook.worksheets[0]["B2"].data_type == "s"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_exported_file_imports_back_without_changing_anything(session, hospital, fmt, lang):
    service.create_outcome(session, outcome_data(hospital, code="R-1"), author="alice")
    service.create_outcome(session, outcome_data(
        hospital, code="R-2", kind="device", field="surgical_robot", stage="prototype", trl=None, segment="manufacturing",
        patents=[], inventors=[], transfer_modes=["assignment", "co_development"], confidentiality="summary",
        market_size=12.5, keywords=["骨科", "机器人"], contact="+86 10 0000", title="=骨科手术机器人"), author="alice")
    service.create_outcome(session, outcome_data(
        hospital, code="R-3", summary="第一行\n第二行", regulatory_status="none", market_size=None,
        patents=[{"number": "ZL2021", "type": "utility", "status": "pending"},
                 {"number": "PCT/CN2022/1", "type": "pct", "status": "expired"}]), author="alice")
    before = {o.code: service.snapshot(o) for o in session.scalars(select(Outcome))}

    exported = export_outcomes(session, OutcomeFilters(), fmt, COMMAND_LINE, lang)
    report = import_outcomes(session, f"export.{fmt}", exported, author="bob", viewer=COMMAND_LINE)

    assert report.errors == [] and report.file_error is None
    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 0, 0, 3)
    assert report.ignored_columns == [spreadsheet.column_label(k, lang) for k in spreadsheet.READ_ONLY_COLUMNS]
    assert {o.code: service.snapshot(o) for o in session.scalars(select(Outcome))} == before
    assert version_count(session) == 3


# --- template -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, lang", [("xlsx", "zh"), ("csv", "en")])
def test_the_template_imports_once_its_example_names_a_real_organization(session, fmt, lang):
    report = import_outcomes(session, f"template.{fmt}", template(fmt, lang), author="a", dry_run=True, viewer=COMMAND_LINE)
    assert [(e["row"], e["field"]) for e in report.errors] == [(2, "owner")]
    make_org(session, name=spreadsheet._example_value("owner", lang))
    report = import_outcomes(session, f"template.{fmt}", template(fmt, lang), author="a", dry_run=True, viewer=COMMAND_LINE)
    assert (report.ok, report.created) == (True, 1)


def test_the_xlsx_template_explains_each_column_on_a_second_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(template("xlsx")))
    assert workbook.sheetnames == ["成果", "填写说明"]
    notes = {row[0]: row[1:] for row in workbook["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["成果类型"][0] == "是" and "软件/算法" in notes["成果类型"][1]
