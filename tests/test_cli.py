"""The `medbridge` command: readable by default, --json for scripts, non-zero exit on failure."""

import json

import pytest
from click.testing import CliRunner

from medbridge.cli import main
from tests.factories import make_org, outcome_data


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


def write_csv(path, rows):
    header = "编号,名称,所属机构,成果类型,阶段,技术成熟度TRL\n"
    path.write_text(header + "".join(",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_import_dry_run_then_for_real(run, library, tmp_path):
    sheet = write_csv(tmp_path / "new.csv", [("IMP-1", "中药颗粒", "京南医院", "药物", "临床前研究", 5),
                                              ("IMP-2", "脑电采集帽", "京南医院", "器械/设备", "样机/原型", 4)])
    checked = json.loads(run("import", str(sheet), "--dry-run", "--json").output)
    assert checked["ok"] and checked["created"] == 2
    assert json.loads(run("outcomes", "list", "--json").output)["total"] == 3
    result = run("import", str(sheet), "--author", "转化办")
    assert result.exit_code == 0 and "新增 created 2" in result.output
    assert json.loads(run("outcomes", "list", "--json").output)["total"] == 5


def test_import_with_bad_rows_names_them_writes_nothing_and_fails(run, library, tmp_path):
    sheet = write_csv(tmp_path / "bad.csv", [("IMP-1", "中药颗粒", "京南医院", "药物", "临床前研究", 5),
                                              ("IMP-2", "脑机接口电极", "京南医院", "飞船", "样机/原型", 4),
                                              ("IMP-3", "中药方剂", "京南医院", "药物", "样机/原型", 12)])
    result = run("import", str(sheet))
    assert result.exit_code == 1
    assert "第3行" in result.output and "第4行" in result.output and "第2行" not in result.output
    assert json.loads(run("outcomes", "list", "--json").output)["total"] == 3


def test_export_filtered_list(run, library, tmp_path):
    target = tmp_path / "out.csv"
    assert run("export", str(target), "--q", "CLI-1").exit_code == 0
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and "CLI-1" in lines[1]
    assert run("export", str(tmp_path / "out.txt")).exit_code == 1
    recorded = json.loads(run("audit", "--action", "outcome.export", "--json").output)["events"]
    assert len(recorded) == 1 and recorded[0]["detail"]["filters"]["q"] == "CLI-1"   # as exports on the web are


# --- users and audit -------------------------------------------------------------------

def test_the_first_admin_is_made_by_the_cli_with_a_generated_password_shown_once(run):
    result = run("users", "add", "chief", "--role", "admin", "--generate-password", "--json")
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["roles"] == ["admin"] and len(data["password"]) >= 10
    listed = json.loads(run("users", "list", "--json").output)
    assert [u["username"] for u in listed] == ["chief"] and "password" not in listed[0]


def test_a_password_can_come_from_stdin_and_short_ones_are_refused(db):
    runner = CliRunner()
    ok = runner.invoke(main, ["--database", db.url, "users", "add", "amy", "--password-stdin"],
                       input="a-long-enough-password\n")
    short = runner.invoke(main, ["--database", db.url, "users", "add", "bob", "--password-stdin"], input="short\n")
    assert ok.exit_code == 0 and short.exit_code == 1 and "10" in short.output


def test_scoped_roles_name_an_organization(run, library):
    assert run("users", "add", "tto1", "--role", "tto:京南医院", "--generate-password").exit_code == 0
    assert run("users", "add", "tto2", "--role", "tto", "--generate-password").exit_code == 1
    assert run("users", "add", "tto3", "--role", "tto:无此机构", "--generate-password").exit_code == 1
    roles = json.loads(run("users", "role", "tto1", "--add", "viewer", "--remove", "tto:京南医院", "--json").output)
    assert roles["roles"] == ["viewer"]


def test_disable_enable_reset_and_token(run):
    run("users", "add", "amy", "--role", "viewer", "--generate-password")
    assert json.loads(run("users", "disable", "amy", "--json").output)["active"] is False
    assert json.loads(run("users", "enable", "amy", "--json").output)["active"] is True
    assert "password" in json.loads(run("users", "reset-password", "amy", "--generate-password", "--json").output)
    assert json.loads(run("users", "token", "amy", "--name", "script", "--json").output)["token"].startswith("mbt_")
    assert run("users", "disable", "nobody").exit_code == 1


def test_audit_lists_what_the_cli_did_and_exports_csv(run, tmp_path):
    run("users", "add", "amy", "--role", "viewer", "--generate-password")
    run("users", "disable", "amy")
    events = json.loads(run("audit", "--action", "user.", "--json").output)
    assert events["total"] == 1 and events["events"][0]["action"] == "user.disable"
    target = tmp_path / "audit.csv"
    assert run("audit", "--csv", str(target)).exit_code == 0
    assert "user.disable" in target.read_text(encoding="utf-8-sig")
