"""/api/competitions: competitions, rounds with rubrics, entries, judges, conflict-free panels,
judges' scores, normalized rankings, awards and the result sheet (see review.service for who may)."""

from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy.orm import Session

from medbridge.api.deps import Auth, SessionDep, SignedInDep, ViewerDep, WriterDep
from medbridge.api.params import Id, QueryChecks
from medbridge.api.pipeline import ERRORS, SHEET
from medbridge.api.schemas import INVALID_INPUT, Input
from medbridge.accounts.policy import Viewer
from medbridge.errors import NotFound
from medbridge.review import service

router = APIRouter(prefix="/api", tags=["competitions 赛事评审"], responses=INVALID_INPUT, dependencies=QueryChecks)
MAX = 2**31 - 1


class Criterion(Input):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    label: str = Field("", max_length=100)
    weight: float = Field(gt=0, le=100)


class Rubric(Input):
    criteria: list[Criterion] = Field(min_length=1, max_length=20)
    scale: list[float] = Field([0, 10], min_length=2, max_length=2)


class RoundIn(Input):
    name: str = Field("", max_length=100)
    rubric: Optional[Rubric] = None
    judges_per_entry: int = Field(3, ge=1, le=20)
    advancing: Optional[int] = Field(None, ge=1, le=1000, description="how many go on to the next round")


class Award(Input):
    name: str = Field(min_length=1, max_length=64)
    count: int = Field(ge=1, le=1000)


class CompetitionIn(Input):
    name: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=2000, le=2100)
    organizer_id: Optional[int] = Field(None, ge=1, le=MAX)
    description: str = Field("", max_length=5000)
    awards: list[Award] = Field([], max_length=20)
    rounds: list[RoundIn] = Field([], max_length=10)


class EntryIn(Input):
    title: str = Field("", max_length=300)
    outcome_id: Optional[int] = Field(None, ge=1, le=MAX)
    organization_id: Optional[int] = Field(None, ge=1, le=MAX)
    members: list[str] = Field([], max_length=30)
    field: str = Field("", max_length=32)


class JudgeIn(Input):
    expert_id: int = Field(ge=1, le=MAX)


class AdjustIn(Input):
    entry_id: int = Field(ge=1, le=MAX)
    expert_id: int = Field(ge=1, le=MAX)
    assigned: bool = True


class ConflictIn(Input):
    entry_id: int = Field(ge=1, le=MAX)
    expert_id: Optional[int] = Field(None, ge=1, le=MAX, description="default: the caller's own expert profile")
    reason: str = Field("", max_length=300)


class ScoreIn(Input):
    scores: dict[str, float] = Field(description="criterion key → score on the round's scale")
    comment: str = Field("", max_length=2000)


def competition_dict(session: Session, viewer: Viewer, competition) -> dict:
    return {"id": competition.id, "name": competition.name, "year": competition.year, "status": competition.status,
            "organizer_id": competition.organizer_id, "description": competition.description,
            "awards": competition.awards, "is_demo": competition.is_demo,
            "rounds": [{"number": r.number, "name": r.name, "rubric": r.rubric, "judges_per_entry": r.judges_per_entry,
                        "advancing": r.advancing, "status": r.status} for r in competition.rounds],
            "entries": [{"id": e.id, "title": service.shown_title(viewer, e), "organization_id": e.organization_id,
                         "field": e.field, "award": e.award} for e in competition.entries],
            "judges": [{"expert_id": j.expert_id, "name": j.expert.name} for j in competition.judges]}


def _ranked(rows) -> list[dict]:
    return [{"entry_id": r.entry_id, "rank": r.rank, "tied": r.tied, "normalized": r.normalized, "raw": r.raw,
             "judges": r.judges, "award": r.award} for r in rows]


@router.get("/competitions", summary="Competitions 赛事列表")
def list_competitions(session: Session = SessionDep):
    return [{"id": c.id, "name": c.name, "year": c.year, "status": c.status} for c in service.list_competitions(session)]


@router.post("/competitions", status_code=201, summary="Create a competition 新建赛事", responses=ERRORS)
def create_competition(body: CompetitionIn, session: Session = SessionDep, auth: Auth = WriterDep):
    data = body.model_dump()
    rounds = [{k: v for k, v in r.items() if v is not None} for r in data.pop("rounds")]
    competition = service.create_competition(session, auth.viewer, rounds=rounds, **data)
    return competition_dict(session, auth.viewer, competition)


@router.get("/competitions/{competition_id:int}", summary="A competition 赛事详情", responses=ERRORS)
def get_competition(competition_id: Id, session: Session = SessionDep, viewer: Viewer = ViewerDep):
    return competition_dict(session, viewer, service.get_competition(session, competition_id))


@router.post("/competitions/{competition_id:int}/entries", status_code=201, summary="Add an entry 新增参赛项目",
             responses=ERRORS)
def add_entry(competition_id: Id, body: EntryIn, session: Session = SessionDep, auth: Auth = WriterDep):
    competition = service.get_competition(session, competition_id)
    entry = service.add_entry(session, auth.viewer, competition, **body.model_dump())
    return {"id": entry.id, "title": entry.title}


@router.post("/competitions/{competition_id:int}/judges", status_code=201, summary="Add a judge 加入评委",
             responses=ERRORS)
def add_judge(competition_id: Id, body: JudgeIn, session: Session = SessionDep, auth: Auth = WriterDep):
    competition = service.get_competition(session, competition_id)
    judge = service.add_judge(session, auth.viewer, competition, body.expert_id)
    return {"expert_id": judge.expert_id}


@router.post("/competitions/{competition_id:int}/rounds/{number:int}/assign",
             summary="Assign panels automatically, without conflicts of interest 自动分配评委", responses=ERRORS)
def auto_assign(competition_id: Id, number: Id, session: Session = SessionDep, auth: Auth = WriterDep):
    competition = service.get_competition(session, competition_id)
    plan = service.auto_assign(session, auth.viewer, service.get_round(session, competition, number))
    return {"panels": {str(k): v for k, v in plan.panels.items()},
            "shortfalls": {str(k): v for k, v in plan.shortfalls.items()}}


@router.post("/competitions/{competition_id:int}/rounds/{number:int}/assignments",
             summary="Add or remove a judge on an entry's panel 调整评委", responses=ERRORS)
def adjust(competition_id: Id, number: Id, body: AdjustIn, session: Session = SessionDep, auth: Auth = WriterDep):
    competition = service.get_competition(session, competition_id)
    service.set_assignment(session, auth.viewer, service.get_round(session, competition, number), body.entry_id,
                           body.expert_id, body.assigned)
    return {"ok": True}


@router.post("/competitions/{competition_id:int}/conflicts", status_code=201,
             summary="Declare a conflict of interest 申报利益冲突", responses=ERRORS,
             description="By the judge (for themself) or the organiser. The judge's unscored assignment to the "
                         "entry goes, and automatic assignment never gives them the entry again.")
def declare_conflict(competition_id: Id, body: ConflictIn, session: Session = SessionDep, auth: Auth = WriterDep):
    competition = service.get_competition(session, competition_id)
    entry = next((e for e in competition.entries if e.id == body.entry_id), None)
    if entry is None:
        raise NotFound("entry not found / 参赛项目不存在")
    mine = service.expert_for_user(session, auth.viewer)
    expert_id = body.expert_id or (mine.id if mine else 0)
    row = service.declare_conflict(session, auth.viewer, entry, expert_id, body.reason)
    return {"entry_id": row.entry_id, "expert_id": row.expert_id, "reason": row.reason}


@router.get("/competitions/{competition_id:int}/my-assignments", summary="The caller's entries to score 我的评审",
            responses=ERRORS)
def my_assignments(competition_id: Id, session: Session = SessionDep, auth: Auth = SignedInDep):
    competition = service.get_competition(session, competition_id)
    return [{"id": a.id, "round_id": a.round_id, "entry_id": a.entry_id,
             "entry": service.shown_title(auth.viewer, a.entry), "scores": a.scores, "total": a.total,
             "comment": a.comment} for a in service.my_assignments(session, auth.viewer, competition)]


@router.put("/assignments/{assignment_id:int}/score", summary="Score an assigned entry 评分", responses=ERRORS)
def score(assignment_id: Id, body: ScoreIn, session: Session = SessionDep, auth: Auth = WriterDep):
    assignment = service.submit_score(session, auth.viewer, assignment_id, body.scores, body.comment)
    return {"id": assignment.id, "scores": assignment.scores, "total": assignment.total}


@router.get("/competitions/{competition_id:int}/ranking", summary="Normalized ranking 排名", responses=ERRORS)
def ranking(competition_id: Id, round: Optional[int] = Query(None, ge=1, le=100), session: Session = SessionDep,
            viewer: Viewer = ViewerDep):
    competition = service.get_competition(session, competition_id)
    service.require_ranking_access(viewer, competition)
    rnd = service.get_round(session, competition, round or len(competition.rounds))
    return {"round": rnd.number, "items": _ranked(service.ranking(session, rnd))}


@router.post("/competitions/{competition_id:int}/finish", summary="Finish: close rounds, give awards 结束并颁奖",
             responses=ERRORS)
def finish(competition_id: Id, session: Session = SessionDep, auth: Auth = WriterDep):
    competition = service.get_competition(session, competition_id)
    return {"items": _ranked(service.finish(session, auth.viewer, competition))}


@router.get("/competitions/{competition_id:int}/results", summary="Result sheet 成绩单 (CSV or XLSX)",
            response_class=Response, responses={**SHEET, **ERRORS})
def results(competition_id: Id, format: Literal["csv", "xlsx"] = "xlsx", session: Session = SessionDep,
            viewer: Viewer = ViewerDep):
    competition = service.get_competition(session, competition_id)
    content = service.result_sheet(session, viewer, competition, format)
    media = "text/csv" if format == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="competition-{competition_id}.{format}"'})
