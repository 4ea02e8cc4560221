"""/api/deals, /api/incubation, /api/experts: the transfer pipeline, its cycle time, incubation
cohorts and the expert think-tank. Reads show only what the caller may see (see transfer.service);
writes need the outcome owner's office, the incubator's operator or an administrator."""

from __future__ import annotations

from datetime import date
from typing import Literal, Optional

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy.orm import Session

from medbridge.api import schemas
from medbridge.api.deps import Auth, SessionDep, SignedInDep, WriterDep
from medbridge.api.params import BodyId, Id, OptionalId, PageNumber, QueryChecks
from medbridge.api.schemas import INVALID_INPUT, Input
from medbridge.review import service as review
from medbridge.transfer import analytics, incubation, service
from medbridge.transfer.models import ALL_DEAL_STAGES, DEAL_MODES, INCUBATION_PHASES
from medbridge.transfer.service import DealFilters

router = APIRouter(prefix="/api", tags=["pipeline 转化交易与孵化"], responses=INVALID_INPUT, dependencies=QueryChecks)

ERRORS = {401: {"model": schemas.ErrorResponse, "description": "not signed in"},
          403: {"model": schemas.ErrorResponse, "description": "not allowed"},
          404: {"model": schemas.ErrorResponse, "description": "not found, or not one the caller may see"},
          422: {"model": schemas.ErrorResponse}}
SHEET = {200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}

Stage = Literal[ALL_DEAL_STAGES]
Mode = Literal[DEAL_MODES]
DealSort = Literal[tuple(f"{sign}{key}" for key in service.DEAL_SORTS for sign in ("", "-"))]


class DealIn(Input):
    outcome_id: int = Field(ge=1, le=2**31 - 1)
    organization_ids: list[BodyId] = Field(min_length=1, max_length=20, description="counterparty organization ids")
    mode: Mode
    value: Optional[float] = Field(None, ge=0, lt=1e9, description="万元 (10 thousand CNY)")
    terms: str = Field("", max_length=5000)
    documents: list[str] = Field([], max_length=20)
    title: str = Field("", max_length=300)
    started_on: Optional[date] = None


class DealPatch(Input):
    mode: Optional[Mode] = None
    value: Optional[float] = Field(None, ge=0, lt=1e9)
    terms: Optional[str] = Field(None, max_length=5000)
    documents: Optional[list[str]] = Field(None, max_length=20)
    title: Optional[str] = Field(None, max_length=300)
    organization_ids: Optional[list[BodyId]] = Field(None, min_length=1, max_length=20)


class MoveIn(Input):
    stage: Stage
    happened_on: Optional[date] = Field(None, description="default today; not before the previous move")
    reason: str = Field("", max_length=500, description="needed to move back, to mark lost, or to reopen")


def deal_filters(q: str = Query("", max_length=200), stage: Optional[Stage] = None, mode: Optional[Mode] = None,
                 field: str = Query("", max_length=32), owner_id: OptionalId = None, organization_id: OptionalId = None,
                 year: Optional[int] = Query(None, ge=2000, le=2100), sort: DealSort = "-updated_at",
                 page: PageNumber = 1, per_page: int = Query(50, ge=1, le=service.MAX_PER_PAGE)) -> DealFilters:
    return DealFilters(q=q, stage=stage or "", mode=mode or "", field=field, owner_id=owner_id,
                       organization_id=organization_id, year=year, sort=sort, page=page, per_page=per_page)


FiltersDep = Depends(deal_filters)


@router.get("/deals", summary="List deals 交易列表", responses=ERRORS)
def list_deals(filters: DealFilters = FiltersDep, session: Session = SessionDep, auth: Auth = SignedInDep):
    page = service.list_deals(session, auth.viewer, filters)
    return {"items": [service.deal_dict(d, auth.viewer) for d in page.items], "total": page.total,
            "page": page.page, "per_page": page.per_page, "pages": page.pages}


@router.post("/deals", status_code=201, summary="Start a deal 新建交易", responses=ERRORS)
def create_deal(body: DealIn, session: Session = SessionDep, auth: Auth = WriterDep):
    deal = service.create_deal(session, auth.viewer, body.outcome_id, body.organization_ids, body.mode,
                               started_on=body.started_on, value=body.value, terms=body.terms,
                               documents=body.documents, title=body.title)
    return service.deal_dict(deal, auth.viewer)


@router.get("/deals/export", summary="Export deals 导出 (CSV or XLSX)", response_class=Response,
            responses={**SHEET, **ERRORS})
def export_deals(format: Literal["csv", "xlsx"] = "xlsx", filters: DealFilters = FiltersDep,
                 session: Session = SessionDep, auth: Auth = SignedInDep):
    content = service.export_deals(session, auth.viewer, filters, format)
    media = "text/csv" if format == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="deals.{format}"'})


@router.get("/deals/cycle-time", summary="Cycle time: quartiles per stage and end to end, funnel 转化周期",
            responses=ERRORS)
def cycle_time(filters: DealFilters = FiltersDep, session: Session = SessionDep, auth: Auth = SignedInDep):
    return analytics.report(session, auth.viewer, filters)


@router.get("/deals/{deal_id:int}", summary="One deal with its stage history 交易详情", responses=ERRORS)
def get_deal(deal_id: Id, session: Session = SessionDep, auth: Auth = SignedInDep):
    return service.deal_dict(service.get_deal(session, auth.viewer, deal_id), auth.viewer)


@router.patch("/deals/{deal_id:int}", summary="Change a deal's terms 修改交易条款", responses=ERRORS)
def update_deal(deal_id: Id, body: DealPatch, session: Session = SessionDep, auth: Auth = WriterDep):
    deal = service.get_deal(session, auth.viewer, deal_id)
    changed = service.update_deal(session, auth.viewer, deal, body.model_dump(exclude_unset=True, exclude_none=True))
    return {"changed": changed, "deal": service.deal_dict(deal, auth.viewer)}


@router.post("/deals/{deal_id:int}/moves", status_code=201, summary="Move a deal to a stage 变更阶段", responses=ERRORS)
def move_deal(deal_id: Id, body: MoveIn, session: Session = SessionDep, auth: Auth = WriterDep):
    deal = service.get_deal(session, auth.viewer, deal_id)
    service.move_deal(session, auth.viewer, deal, body.stage, body.happened_on, body.reason)
    return service.deal_dict(deal, auth.viewer)


# --- incubation ------------------------------------------------------------------------------

class AdvanceIn(Input):
    phase: Literal[INCUBATION_PHASES]
    happened_on: Optional[date] = None


def _project(project) -> dict:
    return {"id": project.id, "name": project.name, "incubator_id": project.incubator_id,
            "company": project.company.name if project.company else None, "outcome_id": project.outcome_id,
            "cohort": project.cohort, "phase": project.phase, "phase_since": project.phase_since.isoformat(),
            "phases": [{"phase": e.phase, "on": e.happened_on.isoformat(), "by": e.author} for e in project.phase_events],
            "milestones": [{"id": m.id, "phase": m.phase, "title": m.title,
                            "due_on": m.due_on.isoformat() if m.due_on else None,
                            "done_on": m.done_on.isoformat() if m.done_on else None} for m in project.milestones]}


@router.get("/incubators/{incubator_id:int}/cohort", summary="An incubator's cohort 孵化项目", responses=ERRORS)
def cohort(incubator_id: Id, cohort: str = Query("", max_length=64), session: Session = SessionDep,
           auth: Auth = SignedInDep):
    return [_project(p) for p in incubation.cohort(session, auth.viewer, incubator_id, cohort)]


@router.post("/incubation/{project_id:int}/advance", summary="Move a project to a later phase 进入下一阶段",
             responses=ERRORS)
def advance(project_id: Id, body: AdvanceIn, session: Session = SessionDep, auth: Auth = WriterDep):
    project = incubation.get_project(session, auth.viewer, project_id)
    incubation.advance(session, auth.viewer, project, body.phase, body.happened_on)
    return _project(project)


# --- experts and technology managers -----------------------------------------------------------

class ExpertIn(Input):
    person_id: int = Field(ge=1, le=2**31 - 1)
    organization_id: Optional[int] = Field(None, ge=1, le=2**31 - 1)
    fields: list[str] = Field([], max_length=10)
    title: str = Field("", max_length=100)
    bio: str = Field("", max_length=5000)
    history: str = Field("", max_length=5000)
    username: str = Field("", max_length=64, description="a user account, to let the expert judge")
    is_tech_manager: bool = False


class TechManagerIn(Input):
    expert_id: int = Field(ge=1, le=2**31 - 1)


def expert_dict(expert) -> dict:
    return {"id": expert.id, "person_id": expert.person_id, "name": expert.name, "title": expert.title,
            "organization": {"id": expert.organization.id, "name": expert.organization.name} if expert.organization else None,
            "fields": list(expert.fields or []), "bio": expert.bio, "history": expert.history,
            "is_tech_manager": expert.is_tech_manager, "is_demo": expert.is_demo}


@router.get("/experts", summary="The expert think-tank 专家智库")
def list_experts(q: str = Query("", max_length=100), field: str = Query("", max_length=32),
                 tech_managers: bool = False, page: PageNumber = 1, per_page: int = Query(50, ge=1, le=200),
                 session: Session = SessionDep):
    result = review.list_experts(session, q=q, field=field, tech_managers=tech_managers, page=page, per_page=per_page)
    return {"items": [expert_dict(e) for e in result.items], "total": result.total, "page": result.page,
            "per_page": result.per_page, "pages": result.pages}


@router.post("/experts", status_code=201, summary="Add an expert 新增专家 (admin)", responses=ERRORS)
def create_expert(body: ExpertIn, session: Session = SessionDep, auth: Auth = WriterDep):
    return expert_dict(review.create_expert(session, auth.viewer, **body.model_dump()))


@router.post("/outcomes/{outcome_id:int}/tech-managers", status_code=201,
             summary="Assign a technology manager to an outcome 指派技术经理人", responses=ERRORS)
def assign_tech_manager(outcome_id: Id, body: TechManagerIn, session: Session = SessionDep, auth: Auth = WriterDep):
    row = review.assign_tech_manager(session, auth.viewer, outcome_id, body.expert_id)
    return {"outcome_id": row.outcome_id, "expert": expert_dict(row.expert), "assigned_on": row.assigned_on.isoformat()}
