"""The outcome library: every write is a version, graded, and any version can come back."""

import pytest

from medbridge.accounts.policy import COMMAND_LINE

from medbridge.errors import ValidationError
from medbridge.library import service
from medbridge.library.models import OutcomeVersion
from tests.factories import make_org, outcome_data


def test_a_new_outcome_is_version_one_and_graded(session):
    owner = make_org(session)
    outcome = service.create_outcome(session, outcome_data(owner), author="alice")
    assert outcome.version == 1
    assert outcome.grade in {"A", "B", "C", "D"}
    assert 0 <= outcome.score <= 100
    assert [item["criterion"] for item in outcome.grade_breakdown] == [
        "maturity", "ip", "clinical", "regulatory", "market", "readiness"]
    [version] = service.list_versions(session, outcome)
    assert (version.number, version.author) == (1, "alice")


def test_every_problem_is_reported_at_once(session):
    owner = make_org(session)
    bad = outcome_data(owner, code="", kind="飞船", trl=12, market_size="很多")
    with pytest.raises(ValidationError) as caught:
        service.create_outcome(session, bad, author="alice")
    assert {e["field"] for e in caught.value.errors} == {"code", "kind", "trl", "market_size"}


def test_owner_can_be_given_by_name_or_alias(session):
    make_org(session, name="首都医科大学附属北京天坛医院", aliases=["天坛医院"])
    data = outcome_data(None, owner="天坛医院")
    del data["owner_id"]
    outcome = service.create_outcome(session, data, author="alice")
    assert outcome.owner.name == "首都医科大学附属北京天坛医院"


def test_unknown_owner_is_an_error(session):
    data = outcome_data(None, owner="不存在的医院")
    del data["owner_id"]
    with pytest.raises(ValidationError) as caught:
        service.create_outcome(session, data, author="alice")
    assert caught.value.errors[0]["field"] == "owner_id"


def test_duplicate_code_is_refused(session):
    owner = make_org(session)
    service.create_outcome(session, outcome_data(owner), author="alice")
    with pytest.raises(ValidationError, match="code"):
        service.create_outcome(session, outcome_data(owner, title="另一个"), author="alice")


def test_an_edit_is_a_new_version_with_author_reason_and_regrade(session):
    owner = make_org(session)
    outcome = service.create_outcome(session, outcome_data(owner, trl=3, stage="lab"), author="alice")
    before = outcome.score
    assert service.update_outcome(session, outcome, {"trl": 8, "stage": "registration"},
                                  author="bob", reason="完成注册检验")
    assert outcome.version == 2 and outcome.score > before
    latest = service.list_versions(session, outcome)[0]
    assert (latest.author, latest.reason) == ("bob", "完成注册检验")
    diff = service.diff_snapshots(service.get_version(session, outcome, 1).snapshot, latest.snapshot)
    assert {d["field"]: (d["before"], d["after"]) for d in diff} == {
        "trl": (3, 8), "stage": ("lab", "registration")}


def test_an_edit_that_changes_nothing_writes_no_version(session):
    owner = make_org(session)
    outcome = service.create_outcome(session, outcome_data(owner), author="alice")
    assert not service.update_outcome(session, outcome, {"title": outcome.title}, author="bob")
    assert session.query(OutcomeVersion).count() == 1


def test_restore_brings_back_an_old_version_as_a_new_one(session):
    owner = make_org(session)
    outcome = service.create_outcome(session, outcome_data(owner), author="alice")
    original_title = outcome.title
    service.update_outcome(session, outcome, {"title": "改过的名称"}, author="bob")
    assert service.restore_version(session, outcome, 1, author="carol")
    assert outcome.title == original_title
    assert [v.number for v in service.list_versions(session, outcome)] == [3, 2, 1]
    assert "恢复到第1版" in service.list_versions(session, outcome)[0].reason


def test_missing_field_is_suggested_from_the_text(session):
    owner = make_org(session)
    outcome = service.create_outcome(session, outcome_data(owner, field=""), author="alice")
    assert outcome.field == "ai_medicine"
    assert outcome.field_source == "suggested" and outcome.field_confidence >= 0.5


def test_choosing_a_field_by_hand_overrides_the_suggestion(session):
    owner = make_org(session)
    outcome = service.create_outcome(session, outcome_data(owner, field=""), author="alice")
    service.update_outcome(session, outcome, {"field": "脑科学与脑机接口"}, author="bob")
    assert (outcome.field, outcome.field_source, outcome.field_confidence) == ("brain_science", "manual", None)


def test_list_filters_sorts_and_pages(session):
    beijing = make_org(session, name="北京某医院")
    tianjin = make_org(session, name="天津某大学", kind="university", province="天津市", city="天津市")
    for i in range(5):
        service.create_outcome(session, outcome_data(beijing, code=f"B-{i}", trl=i + 1), author="a")
    for i in range(3):
        service.create_outcome(session, outcome_data(tianjin, code=f"T-{i}", field="tcm", title=f"中药方剂{i}"),
                               author="a")
    page = service.list_outcomes(session, service.OutcomeFilters(region="天津市"), COMMAND_LINE)
    assert page.total == 3 and {o.code for o in page.items} == {"T-0", "T-1", "T-2"}
    page = service.list_outcomes(session, service.OutcomeFilters(q="方剂", sort="code"), COMMAND_LINE)
    assert [o.code for o in page.items] == ["T-0", "T-1", "T-2"]
    page = service.list_outcomes(session, service.OutcomeFilters(owner_id=beijing.id, sort="-trl",
                                                                  per_page=2, page=2), COMMAND_LINE)
    assert page.total == 5 and page.pages == 3 and [o.trl for o in page.items] == [3, 2]


def test_bad_sort_and_page_size_are_refused(session):
    with pytest.raises(ValidationError):
        service.list_outcomes(session, service.OutcomeFilters(sort="password"), COMMAND_LINE)
    with pytest.raises(ValidationError):
        service.list_outcomes(session, service.OutcomeFilters(per_page=100000), COMMAND_LINE)


def test_saving_a_rubric_regrades_every_outcome(session):
    owner = make_org(session)
    outcome = service.create_outcome(session, outcome_data(owner), author="alice")
    rubric = service.current_rubric(session)
    data = {**rubric.data, "criteria": [dict(c, weight=(100 if c["key"] == "market" else 0))
                                        for c in rubric.data["criteria"]]}
    new, regraded = service.save_rubric(session, data, author="admin", reason="只看市场")
    assert new.version == 2 and regraded == 1
    assert outcome.score == 70.0 and outcome.rubric_version == 2  # market 30亿元 → "medium" = 0.7


def test_a_rolled_back_unit_of_work_leaves_nothing_even_with_savepoints(db):
    with db.session() as s:
        owner_id = make_org(s).id
    with pytest.raises(RuntimeError):
        with db.session() as s:
            with s.begin_nested():
                service.create_outcome(s, outcome_data(None, owner_id=owner_id), author="a")
            raise RuntimeError("crash after the savepoint was released")
    with db.session() as s:
        assert service.list_outcomes(s, service.OutcomeFilters(), COMMAND_LINE).total == 0
