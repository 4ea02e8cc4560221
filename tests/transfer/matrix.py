"""What the authorization matrix (tests/test_authorization.py) needs of the pipeline: one deal, one
incubation project, experts, and a competition with a judge's assignment, plus request bodies."""

from __future__ import annotations

from datetime import date

from medbridge.accounts.policy import COMMAND_LINE
from medbridge.registry.service import add_person
from medbridge.review import service as review
from medbridge.transfer import incubation, service

RUBRIC = {"criteria": [{"key": "innovation", "label": "创新性", "weight": 1}], "scale": [0, 10]}


def seed_pipeline(session, hospital, enterprise, incubator, outcome_ids: dict, judge_username: str) -> dict:
    deal = service.create_deal(session, COMMAND_LINE, outcome_ids["public"], [enterprise.id], "license",
                               started_on=date(2025, 1, 1))
    project = incubation.add_project(session, COMMAND_LINE, incubator.id, "矩阵孵化项目", entered_on=date(2025, 1, 1))
    milestone = incubation.add_milestone(session, COMMAND_LINE, project, "矩阵里程碑", date(2025, 6, 1))
    judge = review.create_expert(session, COMMAND_LINE, add_person(session, "矩阵评委").id, username=judge_username)
    other = review.create_expert(session, COMMAND_LINE, add_person(session, "矩阵专家").id)
    manager = review.create_expert(session, COMMAND_LINE, add_person(session, "矩阵经理人").id, is_tech_manager=True)
    spare = add_person(session, "矩阵候选专家")
    competition = review.create_competition(session, COMMAND_LINE, "矩阵大赛", 2025, organizer_id=hospital.id,
                                            rounds=[{"name": "初赛", "rubric": RUBRIC, "judges_per_entry": 1}])
    first = review.add_entry(session, COMMAND_LINE, competition, title="矩阵项目一", organization_id=enterprise.id)
    second = review.add_entry(session, COMMAND_LINE, competition, title="矩阵项目二")
    for expert in (judge, other):
        review.add_judge(session, COMMAND_LINE, competition, expert.id)
    rnd = competition.rounds[0]
    review.set_assignment(session, COMMAND_LINE, rnd, first.id, judge.id, True)
    assignment = review.assignments(session, rnd)[0]
    return {"deal": deal.id, "project": project.id, "milestone": milestone.id, "incubator": incubator.id, "competition": competition.id,
            "assignment": assignment.id, "judge": judge.id, "other": other.id, "manager": manager.id,
            "spare": spare.id, "second_entry": second.id, "first_entry": first.id, "enterprise": enterprise.id,
            "public_outcome": outcome_ids["public"], "hospital": hospital.id}


def pipeline_url(url: str, ids: dict) -> str:
    return (url.replace("{deal_id:int}", str(ids["deal"])).replace("{project_id:int}", str(ids["project"]))
            .replace("{incubator_id:int}", str(ids["incubator"])).replace("{competition_id:int}", str(ids["competition"]))
            .replace("{assignment_id:int}", str(ids["assignment"])).replace("{milestone_id:int}", str(ids["milestone"]))
            .replace("{expert_id:int}", str(ids["manager"])))


def pipeline_json(path: str, ids: dict) -> dict | None:
    return {
        "/api/deals": {"outcome_id": ids["public_outcome"], "organization_ids": [ids["enterprise"]], "mode": "license"},
        "/api/deals/{deal_id:int}": {"terms": "matrix"},
        "/api/deals/{deal_id:int}/moves": {"stage": "nda"},
        "/api/experts": {"person_id": ids["spare"]},
        "/api/incubation/{project_id:int}/advance": {"phase": "incubation"},
        "/api/outcomes/{outcome_id:int}/tech-managers": {"expert_id": ids["manager"]},
        "/api/competitions": {"name": "矩阵新赛事", "year": 2025, "organizer_id": ids["hospital"]},
        "/api/competitions/{competition_id:int}/entries": {"title": "矩阵新项目"},
        "/api/competitions/{competition_id:int}/judges": {"expert_id": ids["other"]},
        "/api/competitions/{competition_id:int}/rounds/{number:int}/assignments":
            {"entry_id": ids["second_entry"], "expert_id": ids["other"], "assigned": True},
        "/api/assignments/{assignment_id:int}/score": {"scores": {"innovation": 7}},
        "/api/competitions/{competition_id:int}/conflicts": {"entry_id": ids["first_entry"], "reason": "matrix"},
    }.get(path)


def pipeline_form(ids: dict, path: str) -> dict:
    if path.endswith("/conflicts"):  # a judge declares their own: no expert named
        return {"entry_id": str(ids["first_entry"]), "reason": "matrix"}
    return {"stage": "nda", "organizations": "矩阵企业", "outcome_id": str(ids["public_outcome"]), "mode": "license",
            "name": "矩阵新孵化项目", "incubator_id": str(ids["incubator"]), "phase": "incubation",
            "entry_id": str(ids["second_entry"]), "expert_id": str(ids["other"]), "assigned": "1",
            "score_innovation": "7", "title": "矩阵里程碑", "outcome": str(ids["public_outcome"]), "year": "2025", "organizer_id": str(ids["hospital"]), "awards": "一等奖:1"}


PIPELINE_PREFIXES = ("/deals", "/incubation", "/competitions", "/experts", "/api/deals", "/api/incubat", "/api/competitions",
                     "/api/assignments", "/api/experts")
