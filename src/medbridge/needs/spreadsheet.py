"""Needs in and out of .csv or .xlsx sheets: import (all rows or none, with a row-level report),
export of a filtered list, and a blank template.

Reading the file, the report, the cell handling and the writing of CSV and Excel files are the
outcome library's (library/spreadsheet.py); only the columns and the per-row checks are the
needs' own. Rows whose code exists update that need (a blank cell keeps its value); other rows
create one. An export holds the same columns, terms as labels in the chosen language and the
organization by name, plus the read-only update time, so that it imports back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer
from medbridge.library.spreadsheet import (LIST_JOINER, Columns, FileProblem, ImportReport, Sheet, SheetColumns, _cell,
                                           _check_format, _csv_bytes, _xlsx_bytes, read_sheet)
from medbridge.library.taxonomy import get_taxonomy
from medbridge.needs import service
from medbridge.needs.actions import can_post
from medbridge.needs.models import Need
from medbridge.registry.service import organization_index

# --- columns ------------------------------------------------------------------------------

# A sheet names the posting organization (people don't know ids): the column "owner".
SHEET_FIELDS = tuple("owner" if name == "owner_id" else name for name in service.NEED_FIELDS)
READ_ONLY_COLUMNS = ("updated_at",)
EXPORT_COLUMNS = (*SHEET_FIELDS, *READ_ONLY_COLUMNS)
REQUIRED_COLUMNS = ("title", "owner", "kind")
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    **{("owner" if name == "owner_id" else name): labels for name, labels in service.FIELD_LABELS.items()},
    "updated_at": ("更新时间(UTC)", "Updated at (UTC)"),
}
HEADER_SYNONYMS = {
    "owner": ("发布机构", "机构", "单位", "organization", "owner", "owner_id"),
    "title": ("需求名称", "名称", "name"), "description": ("需求描述", "描述", "简介", "description"),
    "kind": ("需求类型", "类型", "kind", "type"), "fields": ("关注领域", "领域", "fields", "field"),
    "stages": ("接受阶段", "阶段", "stages", "stage"), "keywords": ("关键词", "keywords"),
    "updated_at": ("更新时间", "updated at"),
}
# The single-choice columns, from the needs' own vocabularies; the list columns are the taxonomy's.
CHOICES = {"kind": service.NEED_KINDS, "status": service.NEED_STATUSES}
TERM_LISTS = ("fields", "stages", "segments")


COLUMNS = SheetColumns(COLUMN_LABELS, HEADER_SYNONYMS, accepted=SHEET_FIELDS, required=REQUIRED_COLUMNS,
                       ignored=frozenset(READ_ONLY_COLUMNS), field_columns={"owner_id": "owner"})
column_label = COLUMNS.label


# --- import -------------------------------------------------------------------------------

@dataclass
class RowPlan:
    need: Need | None   # None: a new need
    values: dict        # cleaned


def import_needs(session: Session, filename: str, content: bytes, viewer: Viewer, dry_run: bool = False,
                 max_bytes: int = 5_000_000, max_rows: int = 5000) -> ImportReport:
    """Import a sheet of needs: every row, or none. Nothing is written on a dry run or when any
    row has a problem; otherwise all rows are written in one savepoint of `session`."""
    report = ImportReport(dry_run=dry_run)
    try:
        sheet = read_sheet(filename, content, max_bytes, max_rows)
        columns = COLUMNS.map(sheet)
    except FileProblem as exc:
        report.file_error = str(exc)
        return report
    report.total_rows, report.ignored_columns = len(sheet.rows), columns.ignored
    plans, report.errors = plan_rows(session, sheet, columns, viewer)
    if report.errors:
        return report
    for plan in plans:
        if plan.need is None:
            report.created += 1
        elif any(getattr(plan.need, name) != value for name, value in plan.values.items()):
            report.updated += 1
        else:
            report.unchanged += 1
    if not dry_run:
        _write(session, plans, viewer.username)
    report.ok = True
    return report


def plan_rows(session: Session, sheet: Sheet, columns: Columns, viewer: Viewer) -> tuple[list[RowPlan], list[dict]]:
    """What each row would write, and every problem of every row (with its row and header)."""
    owners = organization_index(session)
    first_row_of: dict[str, int] = {}
    plans, errors = [], []
    for number, cells in sheet.rows:
        values = _row_values(cells, columns, owners)
        existing = session.scalar(select(Need).where(Need.code == values["code"])) if values.get("code") else None
        clean, problems = service.clean_need_fields(values, partial=existing is not None)
        problems += _permission_problems(viewer, existing, clean)
        code = clean.get("code")
        if code and code in first_row_of:  # a second row would add the same code twice, or update it twice
            problems.append({"field": "code", "message": f"与第{first_row_of[code]}行的编号重复 / "
                                                         f"the same code as row {first_row_of[code]}"})
        elif code:
            first_row_of[code] = number
        errors += [{"row": number, "column": columns.header_for(p["field"]), "field": p["field"],
                    "message": p["message"]} for p in problems]
        plans.append(RowPlan(existing, clean))
    return plans, errors


def _row_values(cells: list, columns: Columns, owners: dict[str, int]) -> dict:
    values = {key: _cell(cells[index]) for key, index in columns.positions.items() if index < len(cells)}
    values = {key: (str(value) if key == "code" else value) for key, value in values.items() if value not in (None, "")}
    if "owner" in values:
        owner = str(values.pop("owner")).strip()
        # An unknown name stays as written, for the message; a number gets "#" so it is not taken for an id.
        values["owner_id"] = owners.get(owner, f"#{owner}" if owner.isdigit() else owner)
    return values


def _permission_problems(viewer: Viewer, existing: Need | None, clean: dict) -> list[dict]:
    """The viewer must speak for the need's organization, and for the new one if the row moves it.
    (An organization that is missing or unknown is a problem of its own already.)"""
    owners = {existing.owner_id if existing else None, clean.get("owner_id")} - {None}
    if any(not can_post(viewer, owner_id) for owner_id in owners):
        return [{"field": "owner_id", "message": "无权为该机构发布需求 / you may not post for this organization"}]
    return []


def _write(session: Session, plans: list[RowPlan], author: str) -> None:
    # A savepoint: if any row fails, every row before it is undone too and the exception goes
    # on to the caller, whose own transaction stays usable.
    with session.begin_nested():
        for plan in plans:
            if plan.need is None:
                service.insert_need(session, dict(plan.values), author)
            else:
                service.apply_need_changes(session, plan.need, plan.values)


# --- export and template ------------------------------------------------------------------

def export_needs(session: Session, filters: service.NeedFilters, fmt: str, lang: str = "zh") -> bytes:
    """Every need matching the filters (all pages; needs are public to read) as CSV (UTF-8 with
    BOM) or XLSX, written the way the import reads it back."""
    _check_format(fmt)
    headers = [column_label(key, lang) for key in EXPORT_COLUMNS]
    rows = ([_display(need, key, lang) for key in EXPORT_COLUMNS] for need in service.filtered_needs(session, filters))
    title = "Needs" if lang == "en" else "需求"
    return _csv_bytes(headers, rows) if fmt == "csv" else _xlsx_bytes([(title, headers, rows)])


def _display(need: Need, key: str, lang: str) -> Any:
    """One cell of an export."""
    if key == "owner":
        return need.owner.name
    value = getattr(need, key)
    if key in CHOICES:
        return CHOICES[key].label(value, lang)
    if key in TERM_LISTS:
        vocabulary = getattr(get_taxonomy(), key)
        return LIST_JOINER.join(vocabulary.label(term, lang) for term in value or [])
    if isinstance(value, list):
        return LIST_JOINER.join(str(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def template(fmt: str, lang: str = "zh") -> bytes:
    """An import sheet with the headers and one example row; .xlsx adds a sheet of instructions."""
    _check_format(fmt)
    headers = [column_label(key, lang) for key in SHEET_FIELDS]
    example = [_example_value(key, lang) for key in SHEET_FIELDS]
    en = lang == "en"
    if fmt == "csv":
        return _csv_bytes(headers, [example])
    notes_title, notes_headers = ("Instructions", ["Column", "Required", "What to write"]) if en \
        else ("填写说明", ["列", "必填", "填写方法"])
    return _xlsx_bytes([("Needs" if en else "需求", headers, [example]),
                        (notes_title, notes_headers, _instructions(lang))])


def _example_value(key: str, lang: str) -> Any:
    taxonomy, en = get_taxonomy(), lang == "en"
    examples = {
        "code": "XQ-2025-001",
        "kind": service.NEED_KINDS.label("tech_need", lang),
        "title": "Biodegradable coronary stent for co-development" if en else "寻求可降解冠脉支架技术合作开发",
        "description": ("We make vascular devices and look for a magnesium-alloy stent at prototype stage or later."
                        if en else "本企业生产血管介入器械，寻求样机阶段及以后的镁合金可降解支架技术，可共同开发或许可。"),
        "owner": "Example Medical Co. (replace with your organization)" if en else "示例医疗器械公司（请改为已登记的机构名称）",
        "fields": taxonomy.fields.label("high_end_device", lang),
        "stages": LIST_JOINER.join(taxonomy.stages.label(k, lang) for k in ("prototype", "preclinical")),
        "segments": taxonomy.segments.label("rnd", lang),
        "keywords": LIST_JOINER.join(["biodegradable stent", "magnesium alloy"] if en else ["可降解支架", "镁合金"]),
        "ticket_min": 500, "ticket_max": 3000,
        "region": "Beijing" if en else "北京",
        "status": service.NEED_STATUSES.label("open", lang),
        "contact": "Business development 010-00000000" if en else "商务拓展部 010-00000000",
    }
    return examples[key]


def _instructions(lang: str) -> list[list[str]]:
    en, taxonomy = lang == "en", get_taxonomy()
    several = " (several separated by ；)" if en else "（多个用“；”分隔）"
    hints = {
        "code": ("Your own unique code: letters, digits and . _ - /. Blank: one is given (XQ-000123); "
                 "a code that exists updates that need (blank cells keep their value)"
                 if en else "自定的唯一编号：字母、数字和 . _ - /。留空则自动编号（XQ-000123）；"
                            "编号已存在则更新该需求（空白单元格不修改）"),
        "owner": ("A registered organization's name or alias; you must be its member or an administrator"
                  if en else "已登记机构的名称或别名；须为该机构成员或管理员"),
        "keywords": ("Words" if en else "关键词") + several,
        "ticket_min": "A number, in 10k CNY (万元)" if en else "数字，单位：万元",
        "ticket_max": ("A number, in 10k CNY (万元), not below the lower bound"
                       if en else "数字，单位：万元，不小于下限"),
        "region": "Province or city" if en else "省或市",
    }
    for key, vocabulary in CHOICES.items():
        hints[key] = " / ".join(label for _, label in vocabulary.choices(lang))
    for key in TERM_LISTS:
        hints[key] = " / ".join(label for _, label in getattr(taxonomy, key).choices(lang)) + several
    hints["status"] += " (blank: open)" if en else "（留空为“征集中”）"
    required = set(REQUIRED_COLUMNS)
    return [[column_label(key, lang), ("yes" if en else "是") if key in required else "", hints.get(key, "")]
            for key in SHEET_FIELDS]
