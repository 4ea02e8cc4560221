"""`medbridge chain …`: placing, suggesting, coverage, targets, figures and exports from the shell."""

import io
import json

import pytest
from openpyxl import load_workbook

from tests.factories import make_org


@pytest.fixture
def orgs(db):
    with db.session() as s:
        make_org(s, name="京南药业有限公司", kind="enterprise", aliases=["京南药业"])
        make_org(s, name="沪上药业有限公司", kind="enterprise", province="上海市", city="上海市")


def test_place_coverage_and_targets(run, orgs, tmp_path):
    assert run("chain", "place", "京南药业", "chemical_drug", "manufacturing", "--json").exit_code == 0
    assert run("chain", "place", "沪上药业有限公司", "chemical_drug", "distribution").exit_code == 0
    report = json.loads(run("chain", "coverage", "--region", "北京市", "--chain", "chemical_drug", "--json").output)
    segments = {s["segment"]: s for s in report[0]["segments"]}
    assert segments["manufacturing"]["count"] == 1 and segments["distribution"]["choke"]
    targets = json.loads(run("chain", "targets", "北京市", "chemical_drug", "distribution", "--json").output)
    assert [t["organization"] for t in targets] == ["沪上药业有限公司"]
    path = tmp_path / "gaps.xlsx"
    assert run("chain", "export", "gaps", str(path), "--region", "北京市").exit_code == 0
    assert "招商目标" in load_workbook(io.BytesIO(path.read_bytes())).sheetnames


def test_suggest_then_confirm(run, orgs):
    assert json.loads(run("chain", "suggest", "--json").output)["added"] >= 2
    listed = json.loads(run("chain", "placements", "--status", "suggested", "--org", "京南药业", "--json").output)
    first = listed["items"][0]
    assert first["reasons"]
    assert json.loads(run("chain", "confirm", str(first["id"]), "--json").output)["status"] == "confirmed"


def test_figures_need_a_quote_when_they_come_from_an_article(run):
    bad = run("chain", "figures", "add", "--region", "丰台区", "--metric", "output_value", "--value", "423",
              "--period", "2024", "--source-url", "https://news.example/a")
    assert bad.exit_code != 0 and "quote" in bad.output
    good = run("chain", "figures", "add", "--region", "丰台区", "--metric", "output_value", "--value", "423",
               "--period", "2024", "--source-url", "https://news.example/a", "--quote", "总规模约423亿元", "--json")
    assert good.exit_code == 0
    listed = json.loads(run("chain", "figures", "list", "--region", "丰台区", "--json").output)
    assert listed["items"][0]["quote"] == "总规模约423亿元"


def test_unknown_organizations_and_segments_fail_with_a_message(run, orgs):
    assert run("chain", "place", "不存在", "tcm", "rnd").exit_code != 0
    result = run("chain", "place", "京南药业", "tcm", "nowhere")
    assert result.exit_code != 0 and "segment" in result.output
