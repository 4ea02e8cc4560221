"""Outcomes in and out of spreadsheets: CSV or Excel (.xlsx) import, export and a blank template.

Import is all or nothing. Every row is read and checked first and every problem is reported
with the row number and column header a person sees in Excel (the header is row 1). Only a
sheet without a single problem is written, inside one savepoint of the caller's transaction,
so a failure halfway leaves the database as it was.

Which rows add and which update — the optional 操作 / Action column:

* 新增 / ADD     a new outcome; an error if its code already exists.
* 更新 / UPDATE  an existing outcome, found by its code, gets a new version in which only the
                 row's non-blank cells change (a blank cell never clears a field). An error
                 if the code does not exist.
* blank         ADD if the code is new, UPDATE if it already exists.

Export writes the same columns, terms as labels in the chosen language and the owner by
name, plus read-only grade, score, version and update time, so an exported sheet can be
edited and imported again; importing it unchanged changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import asdict, dataclass, field as dataclass_field
from functools import cached_property
from datetime import date, datetime, time
from typing import Any, Iterable, Iterator

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.errors import ValidationError
from medbridge.library import service
from medbridge.accounts.policy import SUMMARY_FIELDS, Viewer, can_manage, detail_level
from medbridge.library.fields import EDITABLE_FIELDS, FIELD_LABELS, REQUIRED_FIELDS, clean_outcome_fields
from medbridge.library.models import Outcome
from medbridge.library.service import OutcomeFilters
from medbridge.library.taxonomy import get_taxonomy
from medbridge.registry.models import Organization
from medbridge.registry.service import organization_index

# --- columns ------------------------------------------------------------------------------

# A sheet names the owner organization (people don't know ids); the service turns the
# key "owner" into owner_id.
SHEET_FIELDS = tuple("owner" if name == "owner_id" else name for name in EDITABLE_FIELDS)
REQUIRED_COLUMNS = ("code", "title", "owner", "kind", "stage")  # field may be suggested from the text
READ_ONLY_COLUMNS = ("grade", "score", "version", "updated_at")
EXPORT_COLUMNS = (*SHEET_FIELDS, *READ_ONLY_COLUMNS)

COLUMN_LABELS: dict[str, tuple[str, str]] = {
    **{("owner" if key == "owner_id" else key): labels for key, labels in FIELD_LABELS.items()},
    "grade": ("等级", "Grade"), "score": ("评分", "Score"), "version": ("版本", "Version"),
    "updated_at": ("更新时间(UTC)", "Updated at (UTC)"), "action": ("操作", "Action"),
}

# Other names offices give the same columns; matched like labels, ignoring case and spaces.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("成果编号", "项目编号", "编码"),
    "title": ("成果名称", "项目名称", "标题", "name"),
    "summary": ("成果简介", "项目简介", "摘要", "description", "abstract"),
    "owner": ("单位", "完成单位", "所属单位", "依托单位", "机构", "机构名称", "organization", "owner_id"),
    "inventors": ("完成人", "inventor"),
    "kind": ("类型", "成果类别", "type"),
    "field": ("技术领域", "所属领域"),
    "segment": ("环节", "产业链"),
    "stage": ("研发阶段", "所处阶段"),
    "trl": ("成熟度", "技术成熟度"),
    "patents": ("专利情况", "知识产权", "patent"),
    "clinical_trial_id": ("临床试验编号",),
    "market_size": ("市场规模", "market size"),
    "transfer_modes": ("合作方式", "转化模式", "transfer mode"),
    "confidentiality": ("密级", "保密级别"),
    "keywords": ("关键字", "keyword"),
    "contact": ("联系方式", "联系人及电话"),
    "action": ("动作",),
    "updated_at": ("更新时间", "updated at"),
    "notes": ("备注", "说明", "notes", "remark", "remarks"),
}
# Read but deliberately not imported: values the platform computes, and free-text notes.
IGNORED_COLUMNS = {*READ_ONLY_COLUMNS, "notes"}

ACTIONS = {"新增": "add", "新建": "add", "添加": "add", "add": "add", "new": "add", "create": "add",
           "更新": "update", "修改": "update", "update": "update", "edit": "update"}

TERM_VOCABULARIES = {"kind": "kinds", "field": "fields", "segment": "segments", "stage": "stages",
                     "regulatory_status": "regulatory_statuses", "confidentiality": "confidentiality"}
LIST_JOINER = "；"


def _fold(text: str) -> str:
    """A header as compared: no spaces, _ - or * (required marks), any case, half-width brackets."""
    return re.sub(r"[\s_\-*＊]", "", text).casefold().replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class SheetColumns:
    """The columns one kind of sheet has (outcomes', needs'): their labels, the other headers
    accepted for each, which must be there, which are read but not imported, and which the
    message about an unknown header lists."""
    labels: dict[str, tuple[str, str]]        # column key → (中文, English)
    synonyms: dict[str, tuple[str, ...]]      # column key → other headers meaning it
    accepted: tuple[str, ...]
    required: tuple[str, ...]
    ignored: frozenset[str]
    field_columns: dict[str, str] = dataclass_field(default_factory=dict)   # record field → its column

    @cached_property
    def _by_header(self) -> dict[str, str]:
        index = {}
        for key in (*self.labels, *self.synonyms):
            for text in (key, *self.labels.get(key, ()), *self.synonyms.get(key, ())):
                index[_fold(text)] = key
        return index

    def key_of(self, header: str) -> str | None:
        return self._by_header.get(_fold(header))

    def label(self, key: str, lang: str = "zh") -> str:
        zh, en = self.labels[key]
        return en if lang == "en" else zh

    def map(self, sheet: "Sheet") -> "Columns":
        """Match each header to a column, or FileProblem naming what's unknown, doubled, missing
        or written under no header."""
        positions, ignored, unknown, doubled = {}, [], [], []
        for index, header in enumerate(sheet.headers):
            if not header:
                continue
            key = self.key_of(header)
            if key is None:
                unknown.append(header)
            elif key in self.ignored:
                ignored.append(header)
            elif key in positions:
                doubled.append(f"“{sheet.headers[positions[key]]}”=“{header}”")
            else:
                positions[key] = index
        self._refuse_bad_headers(unknown, doubled, [key for key in self.required if key not in positions])
        _refuse_unlabelled_data(sheet)
        return Columns(self, positions, sheet.headers, ignored)

    def _refuse_bad_headers(self, unknown: list[str], doubled: list[str], missing: list[str]) -> None:
        if unknown:
            accepted_zh = "、".join(self.label(key) for key in self.accepted)
            accepted_en = ", ".join(self.label(key, "en") for key in self.accepted)
            raise FileProblem(f"无法识别的列：{'、'.join(unknown)}。可用的列名：{accepted_zh} / "
                              f"unknown columns: {', '.join(unknown)}. Accepted headers: {accepted_en}")
        if doubled:
            raise FileProblem(f"同一列出现了两次：{'，'.join(doubled)} / the same column appears twice: {', '.join(doubled)}")
        if missing:
            raise FileProblem(f"缺少必填列：{'、'.join(self.label(k) for k in missing)} / "
                              f"required columns missing: {', '.join(self.label(k, 'en') for k in missing)}")


OUTCOME_COLUMNS = SheetColumns(COLUMN_LABELS, SYNONYMS, accepted=(*SHEET_FIELDS, "action"),
                               required=REQUIRED_COLUMNS, ignored=frozenset(IGNORED_COLUMNS),
                               field_columns={"owner_id": "owner"})
column_label = OUTCOME_COLUMNS.label


# --- the report ---------------------------------------------------------------------------

@dataclass
class ImportReport:
    """What an import did, or would do (dry run), or why it did nothing.

    errors: one per bad cell, {"row", "column" (header as written), "field", "message"};
    file_error: a problem with the whole file. created/updated count what was (or, in a dry
    run, would be) written; unchanged counts update rows that match the database already.
    """

    ok: bool = False
    dry_run: bool = False
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = dataclass_field(default_factory=list)
    file_error: str | None = None
    ignored_columns: list[str] = dataclass_field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message is for the person who sent it."""


# --- reading a file into rows -------------------------------------------------------------

@dataclass
class Sheet:
    headers: list[str]                   # as written in the file
    rows: list[tuple[int, list[Any]]]    # (row number as Excel shows it, cells); blank rows left out


def read_sheet(filename: str, content: bytes, max_bytes: int, max_rows: int) -> Sheet:
    """The header and data rows of a .csv or .xlsx file, or FileProblem saying why not."""
    if len(content) > max_bytes:
        raise FileProblem(f"文件大小{_size(len(content))}，超过{_size(max_bytes)}上限 / "
                          f"the file is {_size(len(content))}, over the {_size(max_bytes)} limit")
    extension = _extension(filename)
    if extension == ".xls":
        raise FileProblem("不支持旧版Excel（.xls）文件：请在Excel中“另存为”.xlsx或“CSV UTF-8”后再导入 / "
                          "old Excel .xls files are not supported: use Save As → .xlsx or CSV UTF-8, then import that")
    if extension == ".csv":
        records = _csv_records(content)
    elif extension == ".xlsx":
        records = _xlsx_records(content)
    else:
        raise FileProblem(f"不支持“{extension or '无扩展名'}”文件，请上传 .xlsx 或 .csv / "
                          f"unsupported file type “{extension or 'no extension'}”: upload .xlsx or .csv")
    return _collect(records, max_rows)


def _extension(filename: str) -> str:
    name = re.split(r"[\\/]", filename.strip())[-1].lower()
    return name[name.rfind("."):] if "." in name else ""


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f}MB"
    return f"{count / 1024:.1f}KB" if count >= 1024 else f"{count}B"


def _collect(records: Iterable[list], max_rows: int) -> Sheet:
    """The first non-blank record is the header; count rows as Excel numbers them."""
    headers, rows = None, []
    for number, cells in enumerate(records, start=1):
        if all(_cell(value) in (None, "") for value in cells):
            continue
        if headers is None:
            headers = ["" if value is None else str(value).replace("\ufeff", "").strip() for value in cells]
        elif len(rows) == max_rows:
            # Refuse the whole file: importing the first N rows would silently drop the rest.
            raise FileProblem(f"数据超过{max_rows}行上限，未导入任何内容，请拆分成多个文件 / "
                              f"more than {max_rows} data rows: nothing imported, please split the file")
        else:
            rows.append((number, list(cells)))
    if headers is None:
        raise FileProblem("文件是空的 / the file is empty")
    if not rows:
        raise FileProblem("只有表头，没有数据行 / there is a header row but no data rows")
    return Sheet(headers, rows)


# Excel (and LibreOffice) run a cell starting with these as a formula when opening a CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BINARY_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
XLSX_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


def _csv_records(content: bytes) -> Iterator[list]:
    text = _decode_csv(content)
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated and some locales use ";": go by the header line.
    delimiter = max((",", "\t", ";"), key=first_line.count)
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield [_unescape_formula(value) for value in record]
    except csv.Error as exc:
        raise FileProblem(f"CSV格式有误：{exc} / malformed CSV: {exc}") from None


def _decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if content.startswith(XLSX_MAGIC):
        raise FileProblem("这是Excel工作簿，请把扩展名改为 .xlsx / this is an Excel workbook: name it .xlsx")
    if content.startswith(OLE_MAGIC):
        raise FileProblem("这是旧版Excel（.xls）文件，请另存为 .xlsx 或“CSV UTF-8” / "
                          "this is an old Excel .xls file: save it as .xlsx or CSV UTF-8")
    # NUL never appears in a text CSV, but fills UTF-16 (without BOM) and binary files.
    if b"\x00" in content and not content.startswith(UTF16_BOMS):
        raise FileProblem(_NOT_TEXT)
    text = _decode_text(content)
    if BINARY_CHARACTERS.search(text):
        raise FileProblem(_NOT_TEXT)
    return text


_NOT_TEXT = ("这不是文本CSV文件（含二进制内容，或是不带BOM的UTF-16），请在Excel中另存为“CSV UTF-8” / "
             "this is not a text CSV file (binary data, or UTF-16 without a byte-order mark): save it as CSV UTF-8")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _decode_text(content: bytes) -> str:
    if content.startswith(UTF16_BOMS):
        candidates = ("utf-16",)
    elif content.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("无法识别文件编码（支持UTF-8和GBK/GB18030），请在Excel中另存为“CSV UTF-8” / "
                      "unknown text encoding (UTF-8 and GBK/GB18030 are supported): save it as CSV UTF-8")


def _escape_formula(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _unescape_formula(value: str) -> str:
    """Undo _escape_formula, so exported CSV files import back unchanged."""
    return value[1:] if value.startswith("'") and value[1:2] and value[1:2] in FORMULA_STARTS else value


def _xlsx_records(content: bytes) -> Iterator[list]:
    if content.startswith(OLE_MAGIC):
        raise FileProblem("这是旧版Excel（.xls）或加密的文件，请另存为未加密的 .xlsx / "
                          "this is an old .xls or a password-protected workbook: save it as a plain .xlsx")
    # openpyxl raises many kinds of exception (zip, XML, KeyError...) for a damaged file and
    # may do so only while rows are read; all mean the same thing to the person uploading it.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise FileProblem(_UNREADABLE_XLSX) from None
    try:
        if not workbook.worksheets:
            raise FileProblem("工作簿里没有工作表 / the workbook has no worksheet")
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(values)
    except FileProblem:
        raise
    except Exception:
        raise FileProblem(_UNREADABLE_XLSX) from None
    finally:
        workbook.close()


_UNREADABLE_XLSX = ("无法读取该Excel文件（文件已损坏、已加密或并非.xlsx格式）/ "
                    "cannot read this Excel file: it is damaged, password-protected or not really .xlsx")


def _cell(value: Any) -> Any:
    """A cell as the field cleaners expect it: stripped text, 6.0 as 6, dates as ISO text."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


# --- understanding the header -------------------------------------------------------------

@dataclass
class Columns:
    """Where a sheet holds each column."""
    layout: SheetColumns
    positions: dict[str, int]   # column key → index in the row
    headers: list[str]          # as written
    ignored: list[str]

    def header_for(self, key: str) -> str:
        """The header as the user wrote it (for a column key or a record field), or our label
        when the column isn't there."""
        key = self.layout.field_columns.get(key, key)
        if key in self.positions:
            return self.headers[self.positions[key]]
        return self.layout.label(key) if key in self.layout.labels else key


def _refuse_unlabelled_data(sheet: Sheet) -> None:
    """Data under a blank header would be dropped without a word; say so instead."""
    for number, cells in sheet.rows:
        for index, value in enumerate(cells):
            unlabelled = index >= len(sheet.headers) or not sheet.headers[index]
            if unlabelled and _cell(value) not in (None, ""):
                letter = get_column_letter(index + 1)
                raise FileProblem(f"第{letter}列没有表头，但第{number}行有数据 / "
                                  f"column {letter} has data in row {number} but no header")


# --- checking every row -------------------------------------------------------------------

@dataclass
class RowPlan:
    row: int
    outcome: Outcome | None    # the outcome to update, or None for a new one
    values: dict               # clean fields: a whole new outcome, or the changes to an existing one
    changes: bool = True       # for an update: would it change anything?


def plan_rows(session: Session, sheet: Sheet, columns: Columns, viewer: Viewer) -> tuple[list[RowPlan], list[dict]]:
    """Check every row without writing; returns what to write and every problem found."""
    rows = [(number, _row_values(cells, columns)) for number, cells in sheet.rows]
    existing = _outcomes_by_code(session, {values["code"] for _, values in rows if "code" in values})
    owners = organization_index(session)
    held = _hold_organizations(session, rows, owners)  # noqa: F841 (see there)
    first_row_of_code: dict[str, int] = {}
    plans, errors = [], []
    for number, values in rows:
        problems = _duplicate_code(values.get("code"), number, first_row_of_code)
        action = _action(values.pop("action", None), problems)
        _resolve_owner_by_index(values, owners)
        outcome = existing.get(values.get("code"))
        if action == "update" or (action is None and outcome is not None):
            plan, found = _check_update(session, number, outcome, values)
        else:
            plan, found = _check_new(session, number, values)
        problems += found or _authority(viewer, plan)
        errors += [_locate(number, problem, columns) for problem in problems]
        plans.append(plan)
    return plans, errors


def _row_values(cells: list, columns: Columns) -> dict[str, Any]:
    """The row's non-blank cells by column key: a blank cell says nothing."""
    values = {}
    for key, index in columns.positions.items():
        value = _cell(cells[index]) if index < len(cells) else None
        if value not in (None, ""):
            values[key] = str(value) if key == "code" else value
    return values


def _outcomes_by_code(session: Session, codes: set[str]) -> dict[str, Outcome]:
    found, codes = {}, sorted(codes)
    for start in range(0, len(codes), 500):  # keep each IN (...) well under database limits
        query = select(Outcome).where(Outcome.code.in_(codes[start:start + 500]))
        found.update({outcome.code: outcome for outcome in session.scalars(query)})
    return found


def _hold_organizations(session: Session, rows: list[tuple[int, dict]], owners: dict[str, int]) -> list:
    """Load the sheet's organizations once and keep them referenced while rows are checked.

    The session forgets loaded objects nobody refers to, so without this the service would
    load the same organization again for every row.
    """
    ids = {owners[values["owner"]] for _, values in rows if values.get("owner") in owners}
    return list(session.scalars(select(Organization).where(Organization.id.in_(ids))))


def _duplicate_code(code: str | None, number: int, first_row_of_code: dict[str, int]) -> list[dict]:
    if not code:
        return []
    first = first_row_of_code.setdefault(code, number)
    if first == number:
        return []
    return [{"field": "code", "message": f"编号“{code}”与第{first}行重复 / code “{code}” already used in row {first}"}]


def _action(text: Any, problems: list[dict]) -> str | None:
    if text in (None, ""):
        return None
    action = ACTIONS.get(_fold(str(text)))
    if action is None:
        problems.append({"field": "action", "message": f"“{text}”不是可选操作（新增、更新或留空）/ "
                                                       "not an action: ADD, UPDATE or blank"})
    return action


def _resolve_owner_by_index(values: dict, owners: dict[str, int]) -> None:
    # One query for every name instead of two per row; names not found are left for the
    # service, which reports them as unknown organizations.
    owner = values.get("owner")
    if isinstance(owner, str) and owner in owners:
        values["owner_id"] = owners[values.pop("owner")]


def _check_new(session: Session, number: int, values: dict) -> tuple[RowPlan, list[dict]]:
    try:
        return RowPlan(number, None, service.prepare_new_outcome(session, values)), []
    except ValidationError as exc:
        return RowPlan(number, None, values), exc.errors


def _check_update(session: Session, number: int, outcome: Outcome | None, values: dict) -> tuple[RowPlan, list[dict]]:
    """The checks update_outcome makes, without writing, plus whether anything would change."""
    if outcome is None:
        code = values.get("code")
        message = (f"编号“{code}”不存在，无法更新 / no outcome with code “{code}” to update" if code
                   else "必填 / required")
        _, problems = clean_outcome_fields(service.resolve_owner(session, values), partial=True)
        return RowPlan(number, None, values, changes=False), [{"field": "code", "message": message}, *problems]
    try:
        clean = service.prepare_changes(session, outcome, values)
    except ValidationError as exc:
        return RowPlan(number, outcome, values, changes=False), exc.errors
    return RowPlan(number, outcome, clean, changes=service.would_change(outcome, clean)), []


def _authority(viewer: Viewer, plan: RowPlan) -> list[dict]:
    """A row may only add or change outcomes of organizations the importer manages."""
    owners = {plan.values.get("owner_id")} | ({plan.outcome.owner_id} if plan.outcome else set())
    if all(can_manage(viewer, owner) for owner in owners - {None}):
        return []
    return [{"field": "owner", "message": "您无权管理该机构的成果 / you do not manage this organization's outcomes"}]


def _locate(number: int, problem: dict, columns: Columns) -> dict:
    key = "owner" if problem["field"] == "owner_id" else problem["field"]
    return {"row": number, "column": columns.header_for(key), "field": key, "message": problem["message"]}


# --- import -------------------------------------------------------------------------------

def import_outcomes(session: Session, filename: str, content: bytes, author: str, dry_run: bool = False,
                    max_bytes: int = 10 * 1024 * 1024, max_rows: int = 20_000, *, viewer: Viewer) -> ImportReport:
    """Import a .csv or .xlsx sheet of outcomes: every row, or none (see the module docstring).

    Rows whose 操作/Action cell is blank are added when their code is new and update the
    outcome with that code when it exists. Nothing is written when dry_run is set or when
    any row has a problem; otherwise all rows are written in one savepoint of `session`.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        sheet = read_sheet(filename, content, max_bytes, max_rows)
        columns = OUTCOME_COLUMNS.map(sheet)
    except FileProblem as problem:
        report.file_error = str(problem)
        return report
    report.total_rows, report.ignored_columns = len(sheet.rows), columns.ignored
    plans, report.errors = plan_rows(session, sheet, columns, viewer)
    if report.errors:
        return report
    if dry_run:
        report.created = sum(plan.outcome is None for plan in plans)
        report.updated = sum(plan.outcome is not None and plan.changes for plan in plans)
    else:
        report.created, report.updated = _write(session, plans, author, filename)
    report.ok = True
    report.unchanged = len(plans) - report.created - report.updated
    return report


def _write(session: Session, plans: list[RowPlan], author: str, filename: str) -> tuple[int, int]:
    name = re.split(r"[\\/]", filename)[-1][:200]
    created = updated = 0
    # A savepoint: if any row fails (a constraint, a crash), every row before it is undone too
    # and the exception goes on to the caller, whose own transaction stays usable.
    rubric = service.current_rubric(session)
    with session.begin_nested():
        for plan in plans:
            if plan.outcome is None:
                service.insert_outcome(session, plan.values, author, f"导入新增 / import: {name}", rubric=rubric)
                created += 1
            elif service.apply_changes(session, plan.outcome, plan.values, author,
                                       f"导入更新 / import update: {name}", rubric=rubric):
                updated += 1
    return created, updated


# --- export and template ------------------------------------------------------------------

def export_outcomes(session: Session, filters: OutcomeFilters, fmt: str, viewer: Viewer, lang: str = "zh") -> bytes:
    """Every outcome matching the filters (all pages) that the viewer may see, as CSV (UTF-8
    with BOM) or XLSX; the detail of summary-only outcomes they may not read is left blank."""
    _check_format(fmt)
    headers = [column_label(key, lang) for key in EXPORT_COLUMNS]
    rows = ([_display(outcome, key, lang) if _may_show(viewer, outcome, key) else "" for key in EXPORT_COLUMNS]
            for outcome in service.iter_outcomes(session, filters, viewer))
    title = "Outcomes" if lang == "en" else "成果"
    return _csv_bytes(headers, rows) if fmt == "csv" else _xlsx_bytes([(title, headers, rows)])


def template(fmt: str, lang: str = "zh") -> bytes:
    """An import sheet with the headers and one example row; .xlsx adds a sheet of instructions."""
    _check_format(fmt)
    keys = (*SHEET_FIELDS, "action")
    headers = [column_label(key, lang) for key in keys]
    example = [_example_value(key, lang) for key in keys]
    if fmt == "csv":
        return _csv_bytes(headers, [example])
    notes_title, notes_headers = ("Instructions", ["Column", "Required", "What to write"]) if lang == "en" \
        else ("填写说明", ["列", "必填", "填写方法"])
    return _xlsx_bytes([("Outcomes" if lang == "en" else "成果", headers, [example]),
                        (notes_title, notes_headers, _instructions(keys, lang))])


def _check_format(fmt: str) -> None:
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"format must be csv or xlsx, not {fmt!r}")


def _may_show(viewer: Viewer, outcome: Outcome, key: str) -> bool:
    return key in SUMMARY_FIELDS or detail_level(viewer, outcome) == "full"


def _display(outcome: Outcome, key: str, lang: str) -> Any:
    """One cell of an export, written the way the import reads it back."""
    taxonomy = get_taxonomy()
    value = outcome.owner.name if key == "owner" else getattr(outcome, key)
    if key in TERM_VOCABULARIES:
        return getattr(taxonomy, TERM_VOCABULARIES[key]).label(value, lang)
    if key == "transfer_modes":
        return LIST_JOINER.join(taxonomy.transfer_modes.label(mode, lang) for mode in value or [])
    if key == "patents":
        return LIST_JOINER.join(_patent_text(patent, lang) for patent in value or [])
    if isinstance(value, list):
        return LIST_JOINER.join(str(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _patent_text(patent: dict, lang: str) -> str:
    taxonomy = get_taxonomy()
    return ":".join((patent["number"], taxonomy.patent_types.label(patent.get("type"), lang),
                     taxonomy.patent_statuses.label(patent.get("status"), lang)))


def _example_value(key: str, lang: str) -> Any:
    taxonomy, en = get_taxonomy(), lang == "en"
    examples = {
        "code": "TT-2024-001",
        "title": "Stroke CT deep-learning triage software" if en else "基于深度学习的脑卒中CT影像辅助诊断软件",
        "summary": ("Finds early ischaemic change on stroke CT within minutes; validated in three hospitals."
                    if en else "利用深度学习自动识别脑卒中CT早期缺血改变，数分钟出结果，已在三家医院完成回顾性验证。"),
        "owner": "Example Hospital (replace with your organization)" if en else "示例医院（请改为已登记的机构名称）",
        "inventors": LIST_JOINER.join(["Zhang San", "Li Si"] if en else ["张三", "李四"]),
        "kind": taxonomy.kinds.label("software", lang), "field": taxonomy.fields.label("ai_medicine", lang),
        "segment": taxonomy.segments.label("rnd", lang), "stage": taxonomy.stages.label("clinical", lang),
        "trl": 6, "patents": _patent_text({"number": "CN202310001234.5", "type": "invention", "status": "granted"}, lang),
        "clinical_trial_id": "ChiCTR2300000000",
        "regulatory_status": taxonomy.regulatory_statuses.label("planned", lang), "market_size": 30,
        "transfer_modes": LIST_JOINER.join(taxonomy.transfer_modes.label(k, lang) for k in ("license", "co_development")),
        "confidentiality": taxonomy.confidentiality.label("public", lang),
        "keywords": LIST_JOINER.join(["stroke", "CT", "AI"] if en else ["脑卒中", "CT", "人工智能"]),
        "contact": "Tech transfer office 010-00000000" if en else "成果转化办公室 010-00000000",
        "action": "",
    }
    return examples[key]


def _instructions(keys: Iterable[str], lang: str) -> list[list[str]]:
    en, taxonomy = lang == "en", get_taxonomy()
    hints = {
        "code": "Your own unique code: letters, digits and . _ - /" if en else "本单位自定的唯一编号：字母、数字和 . _ - /",
        "owner": "A registered organization's name or alias" if en else "已登记机构的名称或别名",
        "trl": "A whole number 1–9" if en else "1到9的整数",
        "market_size": "A number, in 100 million CNY" if en else "数字，单位：亿元",
        "patents": "number:type:status, several separated by ；" if en else "专利号:类型:状态，多个用“；”分隔",
        "action": ("ADD, UPDATE, or blank: add a new code, update an existing one (blank cells keep their value)"
                   if en else "新增、更新或留空：编号不存在则新增，已存在则更新（空白单元格不修改）"),
    }
    for key in ("inventors", "keywords"):
        hints[key] = "Several separated by ；" if en else "多个用“；”分隔"
    for key, vocabulary in {**TERM_VOCABULARIES, "transfer_modes": "transfer_modes"}.items():
        hints[key] = " / ".join(label for _, label in getattr(taxonomy, vocabulary).choices(lang))
    hints["field"] += " (blank: suggested from title and summary)" if en else "（留空则按名称和简介自动建议）"
    required = set(REQUIRED_COLUMNS)
    return [[column_label(key, lang), ("yes" if en else "是") if key in required else "", hints.get(key, "")]
            for key in keys]


def _csv_bytes(headers: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_escape_formula(value) for value in row] for row in rows)
    # The BOM is what makes Excel on Chinese Windows read the file as UTF-8, not GBK.
    return buffer.getvalue().encode("utf-8-sig")


WIDE_COLUMNS = {"title", "summary", "patents", "contact"}


def _xlsx_bytes(sheets: list[tuple[str, list[str], Iterable[list]]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    for title, headers, rows in sheets:
        worksheet = workbook.create_sheet(title)
        worksheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            wide = OUTCOME_COLUMNS.key_of(header) in WIDE_COLUMNS or len(headers) <= 3
            worksheet.column_dimensions[get_column_letter(index)].width = 40 if wide else 16
        worksheet.append([_bold(worksheet, header) for header in headers])
        for row in rows:
            worksheet.append([_text_cell(worksheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold(worksheet, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, header)
    cell.font = Font(bold=True)
    return cell


def _text_cell(worksheet, value: Any) -> Any:
    # openpyxl stores any text starting with "=" as a formula; outcome text is never one.
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(worksheet, value)
        cell.data_type = "s"
        return cell
    return value
