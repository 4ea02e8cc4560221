"""A competition end to end: experts, judges, conflict-free panels, scoring, ranking, awards, results."""

import pytest

from medbridge.accounts import service as accounts
from medbridge.accounts.policy import ANONYMOUS, COMMAND_LINE
from medbridge.errors import Forbidden, NotFound, ValidationError
from medbridge.library import service as library
from medbridge.registry.service import add_person
from medbridge.review import service
from tests.factories import make_org, outcome_data

RUBRIC = {"criteria": [{"key": "innovation", "label": "创新性", "weight": 1}], "scale": [0, 10]}


@pytest.fixture
def contest(session):
    hospital = make_org(session, name="赛事医院")
    other = make_org(session, name="赛事大学", kind="university")
    outcome = library.create_outcome(session, outcome_data(hospital, code="C-1", inventors=["周明"]), author="t")
    competition = service.create_competition(session, COMMAND_LINE, "测试创新大赛", 2025,
                                             awards=[{"name": "一等奖", "count": 1}],
                                             rounds=[{"name": "决赛", "rubric": RUBRIC, "judges_per_entry": 2}])
    entry_a = service.add_entry(session, COMMAND_LINE, competition, outcome_id=outcome.id)
    entry_b = service.add_entry(session, COMMAND_LINE, competition, title="团队项目", organization_id=other.id,
                                members=["吴昊"])
    judges = {}
    for name, org in (("周明", other), ("郑红", hospital), ("孙立", None), ("钱多", None)):
        user = accounts.create_user(session, f"judge-{len(judges)}", "password-123456", roles=["judge"])
        expert = service.create_expert(session, COMMAND_LINE, add_person(session, name).id,
                                       organization_id=org.id if org else None, username=user.username)
        service.add_judge(session, COMMAND_LINE, competition, expert.id)
        judges[name] = (expert, accounts.viewer_for(session, user))
    return competition, entry_a, entry_b, judges


def test_auto_assignment_excludes_co_inventors_and_colleagues(session, contest):
    competition, entry_a, entry_b, judges = contest
    service.auto_assign(session, COMMAND_LINE, competition.rounds[0])
    panel_a = {a.expert.name for a in service.assignments(session, competition.rounds[0]) if a.entry_id == entry_a.id}
    assert panel_a and not panel_a & {"周明", "郑红"}      # co-inventor; same hospital


def test_the_organiser_cannot_place_a_conflicted_judge(session, contest):
    competition, entry_a, _, judges = contest
    with pytest.raises(ValidationError):
        service.set_assignment(session, COMMAND_LINE, competition.rounds[0], entry_a.id, judges["郑红"][0].id, True)


def test_judges_score_only_their_own_assignments_and_the_ranking_follows(session, contest):
    competition, entry_a, entry_b, judges = contest
    rnd = competition.rounds[0]
    service.auto_assign(session, COMMAND_LINE, rnd)
    expert, viewer = judges["孙立"]
    mine = service.my_assignments(session, viewer, competition)
    assert mine and all(a.expert_id == expert.id for a in mine)
    other = next(a for a in service.assignments(session, rnd) if a.expert_id != expert.id)
    with pytest.raises(NotFound):
        service.submit_score(session, viewer, other.id, {"innovation": 5})
    with pytest.raises(ValidationError):
        service.submit_score(session, viewer, mine[0].id, {"innovation": 11})
    for assignment in service.assignments(session, rnd):
        judge_viewer = next(v for e, v in judges.values() if e.id == assignment.expert_id)
        score = 9 if assignment.entry_id == entry_b.id else 6
        service.submit_score(session, judge_viewer, assignment.id, {"innovation": score})
    ranking = service.ranking(session, rnd)
    assert ranking[0].entry_id == entry_b.id
    with pytest.raises(Forbidden):
        service.result_rows(session, ANONYMOUS, competition)       # not public before the end
    service.finish(session, COMMAND_LINE, competition)
    assert entry_b.award == "一等奖" and competition.status == "finished"
    rows = service.result_rows(session, ANONYMOUS, competition)
    assert rows[0][2] == "团队项目" and rows[0][-1] == "一等奖"
    assert service.result_sheet(session, COMMAND_LINE, competition, "xlsx")[:2] == b"PK"
    with pytest.raises(ValidationError):
        service.submit_score(session, viewer, mine[0].id, {"innovation": 1})   # the round is over


def test_a_rubric_is_checked(session):
    with pytest.raises(ValidationError) as error:
        service.check_rubric({"criteria": [{"key": "A B", "weight": 0}], "scale": [5, 1]})
    assert len(error.value.errors) == 3


def test_a_declared_conflict_removes_the_assignment_and_is_never_reassigned(session, contest):
    competition, entry_a, entry_b, judges = contest
    rnd = competition.rounds[0]
    service.auto_assign(session, COMMAND_LINE, rnd)
    assignment = next(a for a in service.assignments(session, rnd) if a.entry_id == entry_b.id)
    expert, viewer = next((e, v) for e, v in judges.values() if e.id == assignment.expert_id)
    service.declare_conflict(session, viewer, entry_b, expert.id, "指导过该团队")
    for _ in range(2):
        service.auto_assign(session, COMMAND_LINE, rnd)
        assert expert.id not in {a.expert_id for a in service.assignments(session, rnd) if a.entry_id == entry_b.id}
    other_expert = next(e for e, _ in judges.values() if e.id != expert.id)
    with pytest.raises(Forbidden):   # a judge declares only for themself
        service.declare_conflict(session, viewer, entry_a, other_expert.id)
