"""Spreadsheets for park operators: enterprise lists (企业清单) and gap reports (卡点与招商目标)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer
from medbridge.chain import coverage as cov
from medbridge.chain.models import ParkTenant
from medbridge.chain.targets import rank_targets
from medbridge.chain.taxonomy import ChainMap
from medbridge.library.taxonomy import get_taxonomy
from medbridge.registry.models import Organization

STATUS_LABELS = {"missing": ("缺失", "Missing"), "single": ("单一依赖", "Single-firm"), "thin": ("薄弱", "Thin"),
                 "covered": ("覆盖", "Covered")}
TARGETS_PER_GAP = 5


def status_label(status: str, lang: str = "zh") -> str:
    zh, en = STATUS_LABELS[status]
    return en if lang == "en" else zh


def _words(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _book(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_safe(value) for value in row])
        sheet.freeze_panes = "A2"
        for column, name in zip(sheet.columns, header):
            width = max([len(str(name))] + [len(str(c.value or "")) for c in list(column)[1:200]])
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width * 1.6))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _safe(value):
    """Text that a spreadsheet would take for a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def enterprise_rows(session: Session, chains: ChainMap, viewer: Viewer, scope: cov.Scope, chain_key: str | None,
                    segment_key: str | None, lang: str = "zh") -> list[list]:
    placed = cov.placed_members(session, chains, viewer, scope, chain_key)
    kinds = get_taxonomy().organization_kinds
    parks = dict(session.execute(select(ParkTenant.organization_id, Organization.name)
                                 .join(Organization, Organization.id == ParkTenant.park_id)).all())
    rows = []
    for chain in chains.chains:
        if chain_key and chain.key != chain_key:
            continue
        for segment in chain.segments:
            if segment_key and segment.key != segment_key:
                continue
            coverage = cov.chain_coverage(chain, placed.get(chain.key, {})).segments[segment.order]
            for rank, member in enumerate(coverage.members, start=1):
                rows.append([chain.label(lang), segment.label(lang), chains.position_label(segment.position, lang),
                             rank, member.name, kinds.label(member.kind, lang), member.province, member.city,
                             parks.get(member.id, ""), member.output, member.outcomes,
                             _words(lang, "是", "yes") if rank <= cov.LEADING_COUNT else "",
                             _words(lang, "是", "yes") if member.is_demo else ""])
    return rows


def enterprise_list(session: Session, chains: ChainMap, viewer: Viewer, scope: cov.Scope,
                    chain_key: str | None = None, segment_key: str | None = None, lang: str = "zh") -> bytes:
    header = ([ "产业链", "环节", "位置", "序号", "机构", "类型", "省份", "城市", "园区", "产值/营收（亿元）",
                "可见成果数", "龙头", "演示数据"] if lang != "en" else
              ["Chain", "Segment", "Position", "Rank", "Organization", "Kind", "Province", "City", "Park",
               "Output (100M CNY)", "Visible outcomes", "Leading", "Demo data"])
    rows = enterprise_rows(session, chains, viewer, scope, chain_key, segment_key, lang)
    return _book([(_words(lang, "企业清单", "Enterprises"), header, rows)])


def gap_report(session: Session, chains: ChainMap, viewer: Viewer, scope: cov.Scope, chain_key: str | None = None,
               lang: str = "zh") -> bytes:
    report = cov.coverage(session, chains, viewer, scope, chain_key)
    coverage_rows, target_rows = [], []
    for chain_coverage in report:
        chain = chains.chain(chain_coverage.chain)
        for item in chain_coverage.segments:
            segment = chain.segment(item.segment)
            coverage_rows.append([
                chain.label(lang), segment.label(lang), chains.position_label(segment.position, lang), item.count,
                status_label(item.status, lang), _words(lang, "是", "yes") if item.dependent else "",
                round(item.top_share, 3) if item.top_share is not None else "",
                _words(lang, "是", "yes") if item.choke else "",
                "、".join(m.name for m in item.leading), item.outcome_count])
            if item.choke and scope.region:
                for rank, target in enumerate(rank_targets(session, chains, viewer, scope.region, chain.key,
                                                           segment.key, limit=TARGETS_PER_GAP), start=1):
                    target_rows.append([chain.label(lang), segment.label(lang), rank, target.organization.name,
                                        target.organization.region, target.score, target.fit, target.size,
                                        target.outcomes, target.news, "；".join(target.reasons)])
    cov_header = (["产业链", "环节", "位置", "本地机构数", "覆盖状态", "单一依赖", "龙头产值占比", "卡点", "龙头企业",
                   "可见成果数"] if lang != "en" else
                  ["Chain", "Segment", "Position", "Local organizations", "Status", "Single-firm", "Top firm share",
                   "Choke point", "Leading firms", "Visible outcomes"])
    target_header = (["产业链", "卡点环节", "排名", "目标机构", "所在地", "总分", "环节匹配", "规模", "成果", "动态", "理由"]
                     if lang != "en" else
                     ["Chain", "Choke segment", "Rank", "Target", "Region", "Score", "Fit", "Size", "Outcomes",
                      "News", "Reasons"])
    rules = [[text] for text in cov.rule_texts(lang)]
    return _book([(_words(lang, "覆盖与卡点", "Coverage"), cov_header, coverage_rows),
                  (_words(lang, "招商目标", "Targets"), target_header, target_rows),
                  (_words(lang, "规则", "Rules"), [_words(lang, "规则", "Rule")], rules)])
