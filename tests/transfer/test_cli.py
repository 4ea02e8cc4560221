"""`medbridge deals …` and `medbridge competitions …`."""

from __future__ import annotations

import json

import pytest

from medbridge.library import service as library
from tests.factories import make_org, outcome_data


@pytest.fixture
def outcome(db):
    with db.session() as s:
        make_org(s, name="命令行企业", kind="enterprise")
        return library.create_outcome(s, outcome_data(make_org(s, name="命令行医院"), code="CLI-1"), author="t").code


def test_a_deal_from_the_command_line(run, outcome):
    created = run("deals", "new", "--outcome", outcome, "--counterparty", "命令行企业", "--mode", "license",
                  "--started-on", "2025-01-01", "--json")
    assert created.exit_code == 0, created.output
    deal_id = json.loads(created.output)["id"]
    assert run("deals", "move", str(deal_id), "signed", "--on", "2025-02-15").exit_code == 0
    refused = run("deals", "move", str(deal_id), "nda")
    assert refused.exit_code == 1 and "退回到之前的阶段需说明原因" in refused.output
    report = json.loads(run("deals", "cycle-time", "--json").output)
    assert report["end_to_end"]["median"] == 45
    listed = json.loads(run("deals", "list", "--stage", "signed", "--json").output)
    assert listed["total"] == 1


def test_unknown_things_fail_with_a_message(run, outcome):
    assert run("deals", "show", "999").exit_code == 1
    missing = run("deals", "new", "--outcome", outcome, "--counterparty", "无此机构", "--mode", "license")
    assert missing.exit_code == 1 and "无此机构" in missing.output
    assert run("competitions", "ranking", "42").exit_code == 1


def test_the_demo_competition_ranks_and_exports(run, tmp_path):
    assert run("demo").exit_code == 0
    competitions = json.loads(run("competitions", "list", "--json").output)
    assert competitions[0]["status"] == "finished" and competitions[0]["judges"] >= 10
    ranking = json.loads(run("competitions", "ranking", str(competitions[0]["id"]), "--json").output)
    assert ranking[0]["rank"] == 1 and ranking[0]["award"] == "一等奖"
    sheet = tmp_path / "results.xlsx"
    assert run("competitions", "results", str(competitions[0]["id"]), str(sheet)).exit_code == 0
    assert sheet.read_bytes()[:2] == b"PK"
    deals = json.loads(run("deals", "cycle-time", "--json").output)
    assert deals["deals"] >= 50 and deals["end_to_end"]["count"] > 10


def test_a_competition_is_created_with_rounds_from_a_file(run, tmp_path):
    rounds = tmp_path / "rounds.json"
    rounds.write_text(json.dumps([{"name": "初赛", "advancing": 3}, {"name": "决赛", "judges_per_entry": 5}]),
                      encoding="utf-8")
    created = run("competitions", "new", "--name", "命令行大赛", "--year", "2025", "--rounds", str(rounds),
                  "--award", "一等奖:1", "--json")
    assert created.exit_code == 0, created.output
    assert json.loads(created.output)["rounds"] == 2
    rounds.write_text("[{", encoding="utf-8")
    assert run("competitions", "new", "--name", "坏文件", "--year", "2025", "--rounds", str(rounds)).exit_code == 1
