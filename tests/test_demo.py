"""The demo data set: fictional, complete enough to show every page, and loaded only once."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from medbridge.db.base import utcnow
from medbridge.demo import (DemoDataExists, DemoDataInUse, build_plan, has_demo, load_demo,
                            remove_demo)
from medbridge.library import service
from medbridge.library.grading import default_rubric, grade_outcome
from medbridge.library.models import Outcome, OutcomeVersion
from medbridge.library.taxonomy import get_taxonomy
from medbridge.matching.index import term_counts
from medbridge.matching.models import SearchEntry, SearchTerm
from medbridge.registry.models import Organization, OrganizationAlias, Person, PersonTitle
from tests.factories import make_org, outcome_data

TAXONOMY = get_taxonomy()


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_set_is_flagged_and_covers_every_kind_field_stage_region_and_grade(session):
    assert not has_demo(session)
    counts = load_demo(session)
    assert has_demo(session)

    assert counts["organizations"] == count(session, Organization) >= 100
    assert counts["people"] == count(session, Person) >= 60
    assert counts["outcomes"] == count(session, Outcome) >= 200
    assert counts["versions"] == count(session, OutcomeVersion) > counts["outcomes"]
    for model in (Organization, Person, Outcome):
        assert count(session, model, model.is_demo.is_(False)) == 0, f"unflagged {model.__name__}"
    assert all("演示数据" in d for d in session.scalars(select(Organization.description)))

    org_kinds = set(session.scalars(select(Organization.kind)))
    assert org_kinds == set(TAXONOMY.organization_kinds.keys)
    provinces = set(session.scalars(select(Organization.province)))
    assert {"北京市", "天津市", "河北省", "上海市"} <= provinces
    beijing = set(session.scalars(select(Organization.district).where(Organization.province == "北京市")))
    assert {"丰台区", "通州区", "海淀区", "昌平区"} <= beijing
    assert count(session, OrganizationAlias) >= 100
    hospital = session.scalar(select(Organization).where(Organization.name == "京南医科大学附属第一医院"))
    assert hospital.parent.name == "京南医科大学" and "京南一院" in hospital.alias_names

    outcomes = list(session.scalars(select(Outcome)))
    assert {o.field for o in outcomes} == set(TAXONOMY.fields.keys)
    assert {o.kind for o in outcomes} == set(TAXONOMY.kinds.keys)
    assert {o.stage for o in outcomes} == set(TAXONOMY.stages.keys)
    assert {o.confidentiality for o in outcomes} == {"public", "summary", "confidential"}
    assert {o.owner.kind for o in outcomes} == {"hospital", "university", "institute", "enterprise"}
    grades = Counter(o.grade for o in outcomes)
    assert set(grades) == {"A", "B", "C", "D"}
    assert all(n >= 0.05 * len(outcomes) for n in grades.values()), grades
    assert all(o.code.startswith("DEMO-") for o in outcomes)
    assert any(o.clinical_trial_id.startswith("NCT") for o in outcomes)
    assert any(o.clinical_trial_id.startswith("ChiCTR") for o in outcomes)
    assert {p["type"] for o in outcomes for p in o.patents} >= {"invention", "utility", "software_copyright"}

    # Titles come out exactly as planned: the data is a function of the seed.
    assert [o.title for o in sorted(outcomes, key=lambda o: o.id)] == build_plan().titles

    titles = list(session.scalars(select(PersonTitle)))
    assert counts["titles"] == len(titles)
    assert any(t.end_date is not None for t in titles), "some people should have past titles"


def test_some_outcomes_have_a_history_by_several_authors_over_two_years(session):
    load_demo(session)
    edited = list(session.scalars(select(Outcome).where(Outcome.version >= 2)))
    assert len(edited) >= 20
    assert any(o.version >= 3 for o in edited)
    for outcome in edited:
        versions = service.list_versions(session, outcome)[::-1]
        assert [v.number for v in versions] == list(range(1, outcome.version + 1))
        times = [v.created_at for v in versions]
        assert times == sorted(times)
        assert outcome.created_at == times[0] and outcome.updated_at == times[-1]
        assert all(v.reason for v in versions)
        assert versions[1].author != versions[0].author
        assert service.diff_snapshots(versions[0].snapshot, versions[1].snapshot)
    now = utcnow()
    oldest, newest = session.execute(
        select(func.min(OutcomeVersion.created_at), func.max(OutcomeVersion.created_at))).one()
    assert now - timedelta(days=735) < oldest < now - timedelta(days=365)
    assert newest <= now


def test_loading_twice_is_refused_and_adds_nothing(session):
    load_demo(session)
    before = [count(session, m) for m in (Organization, Person, Outcome, OutcomeVersion)]
    with pytest.raises(DemoDataExists):
        load_demo(session)
    assert [count(session, m) for m in (Organization, Person, Outcome, OutcomeVersion)] == before


def test_remove_demo_leaves_real_data_and_allows_a_fresh_load(session):
    real = make_org(session, name="真实用户医院（测试）")
    outcome = service.create_outcome(session, outcome_data(real, code="REAL-1"), author="alice")
    load_demo(session)

    removed = remove_demo(session)
    assert removed["outcomes"] >= 200 and removed["organizations"] >= 100
    assert not has_demo(session)
    assert count(session, Organization) == 1 and count(session, Outcome) == 1
    assert count(session, OutcomeVersion) == 1 and count(session, Person) == 0
    # Search finds only what is left: the real outcome and its owner.
    indexed = session.execute(select(SearchEntry.doc_kind, SearchEntry.doc_id).distinct()).all()
    assert sorted(indexed) == sorted([("organization", real.id), ("outcome", outcome.id)])
    assert dict(session.execute(select(SearchTerm.term, SearchTerm.entries)).all()) == \
        dict(term_counts(session.scalars(select(SearchEntry.tokens))))

    assert load_demo(session, seed=7)["outcomes"] >= 200


def test_remove_demo_refuses_when_real_outcomes_belong_to_demo_organizations(session):
    load_demo(session)
    owner = session.scalar(select(Organization).where(Organization.name == "京南医科大学附属第一医院"))
    service.create_outcome(session, outcome_data(owner, code="REAL-1"), author="alice")
    with pytest.raises(DemoDataInUse):
        remove_demo(session)
    assert has_demo(session)


def test_the_plan_is_deterministic_for_a_seed():
    assert build_plan(2024).titles == build_plan(2024).titles
    assert build_plan(2024).outcomes == build_plan(2024).outcomes
    assert build_plan(2024).titles != build_plan(7).titles


@pytest.mark.parametrize("seed", range(8))
def test_any_seed_spreads_over_every_field_kind_stage_and_grade(seed):
    plan = build_plan(seed)
    rubric = default_rubric()
    finals = []
    for item in plan.outcomes:
        state = dict(item["data"])
        for edit in item["edits"]:
            state.update(edit["changes"])
        finals.append(state)
    assert {o["field"] for o in finals} == set(TAXONOMY.fields.keys)
    assert {o["kind"] for o in finals} == set(TAXONOMY.kinds.keys)
    assert {o["stage"] for o in finals} == set(TAXONOMY.stages.keys)
    assert len(set(plan.titles)) >= 0.95 * len(plan.titles)
    grades = Counter(grade_outcome(o, rubric).grade for o in finals)
    assert all(grades[g] >= 0.1 * len(finals) for g in "ABCD"), grades


def test_demo_accounts_cover_admin_owner_office_and_enterprise_with_random_passwords(session):
    from medbridge.accounts.service import authenticate
    from medbridge.demo import create_demo_accounts

    load_demo(session)
    accounts = create_demo_accounts(session)
    assert [a["username"] for a in accounts] == ["demo-admin", "demo-tto", "demo-member", "demo-operator",
                                                 "demo-judge"]
    assert len({a["password"] for a in accounts}) == 5
    for account in accounts:
        assert authenticate(session, account["username"], account["password"]).username == account["username"]
    assert create_demo_accounts(session) == []  # never twice
