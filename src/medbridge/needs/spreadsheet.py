"""Needs from a .csv or .xlsx sheet: all rows or none, with a row-level report.

Reading the file, the report and the cell handling are the outcome library's
(library/spreadsheet.py); only the columns and the per-row checks are the needs' own.
Rows whose code exists update that need; other rows create one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer
from medbridge.library.spreadsheet import FileProblem, ImportReport, _cell, _fold, read_sheet
from medbridge.needs import service
from medbridge.needs.actions import can_post
from medbridge.needs.models import Need
from medbridge.registry.service import organization_index

SHEET_FIELDS = tuple("owner" if name == "owner_id" else name for name in service.NEED_FIELDS)
HEADER_SYNONYMS = {
    "owner": ("发布机构", "机构", "单位", "organization", "owner"),
    "title": ("需求名称", "名称", "name"), "description": ("需求描述", "描述", "简介", "description"),
    "kind": ("需求类型", "类型", "kind", "type"), "fields": ("关注领域", "领域", "fields", "field"),
    "stages": ("接受阶段", "阶段", "stages", "stage"), "keywords": ("关键词", "keywords"),
}


def _header_index() -> dict[str, str]:
    index = {}
    for name, (zh, en) in service.FIELD_LABELS.items():
        key = "owner" if name == "owner_id" else name
        for label in (key, name, zh, en, *HEADER_SYNONYMS.get(key, ())):
            index[_fold(label)] = key
    return index


HEADERS = _header_index()


def import_needs(session: Session, filename: str, content: bytes, viewer: Viewer, dry_run: bool = False,
                 max_bytes: int = 5_000_000, max_rows: int = 5000) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    try:
        sheet = read_sheet(filename, content, max_bytes, max_rows)
        positions = _columns(sheet.headers)
    except FileProblem as exc:
        report.file_error = str(exc)
        return report
    report.total_rows = len(sheet.rows)
    owners = organization_index(session)
    plans = []
    for number, cells in sheet.rows:
        values = {key: _cell(cells[i]) for key, i in positions.items() if i < len(cells)}
        values = {k: (str(v) if k == "code" else v) for k, v in values.items() if v not in (None, "")}
        if "owner" in values:
            owner = str(values.pop("owner")).strip()
            values["owner_id"] = owners.get(owner, f"#{owner}" if owner.isdigit() else owner)
        existing = session.scalar(select(Need).where(Need.code == values["code"])) if values.get("code") else None
        problems, clean = _check(session, existing, values)
        owner_id = clean.get("owner_id", existing.owner_id if existing else None)
        if not problems and not can_post(viewer, owner_id) or (existing and not can_post(viewer, existing.owner_id)):
            problems.append({"field": "owner_id", "message": "无权为该机构发布需求 / you may not post for this organization"})
        report.errors += [{"row": number, "column": k, "field": p["field"], "message": p["message"]}
                          for p in problems for k in [p["field"]]]
        plans.append((existing, clean))
    if report.errors:
        return report
    for existing, clean in plans:
        if existing is None:
            report.created += 1
        elif any(getattr(existing, k) != v for k, v in clean.items()):
            report.updated += 1
        else:
            report.unchanged += 1
    if not dry_run:
        with session.begin_nested():
            for existing, clean in plans:
                if existing is None:
                    service.insert_need(session, dict(clean), viewer.username)
                else:
                    service.apply_need_changes(session, existing, clean)
    report.ok = True
    return report


def _columns(headers: list[str]) -> dict[str, int]:
    positions, unknown = {}, []
    for index, header in enumerate(headers):
        if not header:
            continue
        key = HEADERS.get(_fold(header))
        if key is None:
            unknown.append(header)
        elif key not in positions:
            positions[key] = index
    if unknown:
        raise FileProblem(f"无法识别的列：{'、'.join(unknown)} / unknown columns: {', '.join(unknown)}. "
                          f"Accepted: {', '.join(service.FIELD_LABELS[n][0] for n in service.NEED_FIELDS)}")
    missing = [k for k in ("title", "owner", "kind") if k not in positions]
    if missing:
        raise FileProblem(f"缺少必填列 / required columns missing: {', '.join(missing)}")
    return positions


def _check(session: Session, existing: Need | None, values: dict) -> tuple[list[dict], dict]:
    if existing is None:
        clean, problems = service.clean_need_fields(values)
        if clean.get("owner_id") is None and not any(p["field"] == "owner_id" for p in problems):
            problems.append({"field": "owner_id", "message": "必填 / required"})
        return problems, clean
    clean, problems = service.clean_need_fields(values, partial=True)
    return problems, clean
