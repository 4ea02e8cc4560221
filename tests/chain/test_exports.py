"""The enterprise list and the gap report as XLSX: what the sheets hold."""

import io

from openpyxl import load_workbook

from medbridge.accounts.policy import ANONYMOUS
from medbridge.chain import coverage as cov
from medbridge.chain import exports


def sheets(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_enterprise_list_ranks_the_leading_firms_first(session, cluster):
    content = exports.enterprise_list(session, cluster.chains, ANONYMOUS, cov.Scope(region="A市"),
                                      "medical_device", "manufacturing")
    [rows] = sheets(content).values()
    assert rows[0][:5] == ["产业链", "环节", "位置", "序号", "机构"]
    assert [(r[3], r[4], r[9]) for r in rows[1:]] == [(1, "器械甲", 80), (2, "器械乙", 12), (3, "器械丙", 8)]


def test_the_gap_report_lists_choke_points_with_targets_and_the_rules(session, cluster):
    content = exports.gap_report(session, cluster.chains, ANONYMOUS, cov.Scope(region="A市"), "medical_device",
                                 lang="en")
    book = sheets(content)
    coverage = {row[1]: row for row in book["Coverage"][1:]}
    assert coverage["Clinical trials"][3:6] == [1, "Single-firm", "yes"]
    assert coverage["Manufacturing"][6] == 0.8 and coverage["Manufacturing"][7] == "yes"
    targets = [row for row in book["Targets"][1:] if row[1] == "Testing & approval"]
    assert [row[3] for row in targets] == ["检测甲", "远方器械"]
    assert len(book["Rules"]) == len(cov.RULE_TEXTS) + 1


def test_text_that_looks_like_a_formula_stays_text():
    assert exports._safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
