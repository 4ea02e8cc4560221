"""The `medbridge` command: readable by default, --json for scripts, non-zero exit on failure."""

import json

import pytest
from click.testing import CliRunner

from medbridge.cli import main
from tests.factories import make_org, outcome_data


@pytest.fixture
def run(db):
    def invoke(*args):
        return CliRunner().invoke(main, ["--database", db.url, *args])
    return invoke


@pytest.fixture
def library(db):
    from medbridge.library import service

    with db.session() as s:
        owner = make_org(s, name="北京京南医院", aliases=["京南医院"])
        for i in range(3):
            service.create_outcome(s, outcome_data(owner, code=f"CLI-{i}", trl=i + 4), author="tester")
    return owner


def test_init_creates_the_schema(run):
    result = run("init", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["ok"] is True


def test_outcomes_list_filters_and_prints_json(run, library):
    result = run("outcomes", "list", "--owner", "京南医院", "--sort", "-trl", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["total"] == 3 and [o["code"] for o in data["items"]] == ["CLI-2", "CLI-1", "CLI-0"]
    assert json.loads(run("outcomes", "list", "--field", "中药", "--json").output)["total"] == 0


def test_outcomes_list_with_a_bad_filter_fails(run, library):
    assert run("outcomes", "list", "--owner", "不存在").exit_code != 0
    assert run("outcomes", "list", "--sort", "nonsense").exit_code != 0
    assert run("outcomes", "list", "--field", "炼丹").exit_code != 0


def test_outcomes_show_by_code_has_breakdown_and_history(run, library):
    result = run("outcomes", "show", "CLI-1", "--json")
    data = json.loads(result.output)
    assert data["code"] == "CLI-1" and len(data["breakdown"]) == 6
    assert data["history"][0]["author"] == "tester"
    text = run("outcomes", "show", "CLI-1").output
    assert "技术成熟度" in text and "v1" in text


def test_outcomes_show_unknown_fails_with_a_message(run, library):
    result = run("outcomes", "show", "NOPE")
    assert result.exit_code == 1 and "not found" in result.output


def test_outcomes_grade_one_or_all(run, library):
    one = json.loads(run("outcomes", "grade", "CLI-0", "--json").output)
    assert one["grade"] in "ABCD"
    assert json.loads(run("outcomes", "grade", "--all", "--json").output) == {"regraded": 3}
    assert run("outcomes", "grade").exit_code != 0


def test_orgs_add_and_list(run):
    assert run("orgs", "add", "沪西数字健康孵化器", "--kind", "孵化器", "--city", "上海市").exit_code == 0
    data = json.loads(run("orgs", "list", "--kind", "incubator", "--json").output)
    assert [o["name"] for o in data["items"]] == ["沪西数字健康孵化器"]
    assert run("orgs", "add", "沪西数字健康孵化器", "--kind", "incubator").exit_code == 1


def test_rubric_show_and_set_round_trip(run, library, tmp_path):
    shown = json.loads(run("rubric", "show", "--json").output)
    for criterion in shown["data"]["criteria"]:
        criterion["weight"] = 10
    path = tmp_path / "rubric.json"
    path.write_text(json.dumps(shown), encoding="utf-8")
    result = json.loads(run("rubric", "set", str(path), "--json").output)
    assert result == {"version": 2, "regraded": 3}
    path.write_text("{not json", encoding="utf-8")
    assert run("rubric", "set", str(path)).exit_code == 1
