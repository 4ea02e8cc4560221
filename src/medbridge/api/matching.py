"""/api/search, /api/needs, matches and match feedback.

Search and matches show each caller only what the confidentiality rules let them see
(matching/search.py); needs are public to read, and written by their organization's own
members or an administrator (needs/actions.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer, require_visible
from medbridge.api import schemas
from medbridge.api.deps import Auth, SessionDep, ViewerDep, WriterDep, client_address
from medbridge.api.outcomes import spreadsheet_response
from medbridge.api.params import MAX_ID, Id, OptionalId, PageNumber, QueryChecks
from medbridge.api.schemas import INVALID_INPUT, Input, Text
from medbridge.api.uploads import read_upload
from medbridge.library import service as library
from medbridge.matching import feedback
from medbridge.matching.match import match_need, match_outcome
from medbridge.matching.search import MAX_PER_PAGE, SearchFilters, search
from medbridge.needs import actions as need_actions, service as needs
from medbridge.needs.models import Need

router = APIRouter(tags=["matching 供需匹配"], responses=INVALID_INPUT, dependencies=QueryChecks)

ERRORS = {401: {"model": schemas.ErrorResponse, "description": "not signed in"},
          403: {"model": schemas.ErrorResponse, "description": "not allowed"},
          404: {"model": schemas.ErrorResponse, "description": "not found, or not visible to the caller"},
          422: {"model": schemas.ErrorResponse}}
NOT_FOUND = {404: ERRORS[404]}


# --- shapes -----------------------------------------------------------------------------

class SearchHitOut(BaseModel):
    id: int
    kind: str = Field(description="outcome, organization or need")
    code: Optional[str] = Field(None, description="an outcome's or a need's code")
    title: str
    score: float
    title_html: str = Field(description="the title, HTML-escaped, with matched words in <mark>")
    snippet_html: str = Field(description="an excerpt of the text the caller may read, matches in <mark>")
    detail_hidden: bool = False


class SearchPage(schemas.Page):
    items: list[SearchHitOut]
    facets: dict[str, dict[str, int]]
    total_capped: bool = Field(False, description="more matched than are counted: total and facets count the best "
                                                  "1000 (shown as 1000+)")


class MatchOut(BaseModel):
    id: int
    kind: str = Field(description="'outcome', or the organization's kind (enterprise, investor, incubator, park)")
    title: str
    score: float
    reasons: list[str]
    need_id: Optional[int] = Field(None, description="for an outcome's match: the organization's best-matching need")


class NeedIn(Input):
    """Field values may be keys or labels in Chinese or English (投资方向 = investment_thesis)."""

    kind: Text
    title: Text
    owner: Text = Field(description="posting organization: id, name or alias")
    code: str = Field("", description="left blank, one is given (XQ-000123)")
    description: str = ""
    fields: list[str] = []
    stages: list[str] = []
    segments: list[str] = []
    keywords: list[str] = []
    ticket_min: Optional[float] = Field(None, description="万元 (10 thousand CNY)")
    ticket_max: Optional[float] = None
    region: str = ""
    status: str = "open"
    contact: str = ""


class NeedPatch(Input):
    kind: Optional[str] = None
    title: Optional[str] = None
    owner: Optional[str] = None
    code: Optional[str] = None
    description: Optional[str] = None
    fields: Optional[list[str]] = None
    stages: Optional[list[str]] = None
    segments: Optional[list[str]] = None
    keywords: Optional[list[str]] = None
    ticket_min: Optional[float] = None
    ticket_max: Optional[float] = None
    region: Optional[str] = None
    status: Optional[str] = None
    contact: Optional[str] = None


class NeedOut(BaseModel):
    id: int
    code: str
    kind: str
    title: str
    description: str
    owner_id: int
    owner: str
    fields: list[str]
    stages: list[str]
    segments: list[str]
    keywords: list[str]
    ticket_min: Optional[float]
    ticket_max: Optional[float]
    region: str
    status: str
    contact: str
    created_by: str
    created_at: schemas.UtcDateTime
    updated_at: schemas.UtcDateTime


class NeedPage(schemas.Page):
    items: list[NeedOut]


class FeedbackIn(Input):
    verdict: Literal["relevant", "irrelevant", "contacted"]
    outcome_id: int = Field(ge=1, le=MAX_ID)
    need_id: Optional[int] = Field(None, ge=1, le=MAX_ID, description="for a need's match (need → outcome)")
    organization_id: Optional[int] = Field(None, ge=1, le=MAX_ID,
                                           description="for an outcome's match (outcome → organization)")
    note: str = Field("", max_length=500)


class FeedbackOut(BaseModel):
    id: int
    verdict: str
    outcome_id: Optional[int]
    need_id: Optional[int]
    organization_id: Optional[int]
    username: str
    created_at: schemas.UtcDateTime


def need_out(need: Need) -> dict:
    return {**{name: getattr(need, name) for name in NeedOut.model_fields if name != "owner"},
            "owner": need.owner.name if need.owner else ""}


# --- search -----------------------------------------------------------------------------

@router.get("/api/search", response_model=SearchPage, summary="Search outcomes, organizations, needs 检索")
def search_route(q: str = Query(..., min_length=1, max_length=200, description="words; Chinese (Simplified or "
                                                                                  "Traditional) or English"),
                 kind: list[Literal["outcome", "organization", "need"]] = Query([]),
                 type: str = Query("", max_length=32, description="outcome, organization or need kind"),
                 field: str = Query("", max_length=32), stage: str = Query("", max_length=32),
                 region: str = Query("", max_length=32, description="province"),
                 page: PageNumber = 1, per_page: int = Query(20, ge=1, le=MAX_PER_PAGE),
                 session: Session = SessionDep, viewer: Viewer = ViewerDep):
    filters = SearchFilters(q=q, kinds=tuple(kind), sub_kind=type, field=field, stage=stage, region=region,
                            page=page, per_page=per_page)
    result = search(session, filters, viewer)
    items = [{"id": h.id, "kind": h.kind, "code": getattr(h.doc, "code", None), "title": h.title, "score": round(h.score, 4), "title_html": h.title_html,
              "snippet_html": h.snippet_html, "detail_hidden": h.level != "full"} for h in result.hits]
    return {"items": items, "total": result.total, "page": result.page, "per_page": result.per_page,
            "pages": result.pages, "facets": result.facets, "total_capped": result.capped}


# --- needs ------------------------------------------------------------------------------

def need_filters(q: str = Query("", max_length=200), kind: str = Query("", max_length=32),
                 status: str = Query("", max_length=32), field: str = Query("", max_length=32),
                 owner_id: OptionalId = None,
                 sort: Literal[tuple(f"{s}{k}" for k in needs.SORTS for s in ("", "-"))] = "-updated_at",
                 page: PageNumber = 1, per_page: int = Query(20, ge=1, le=needs.MAX_PER_PAGE)) -> needs.NeedFilters:
    return needs.NeedFilters(q=q, kind=kind, status=status, field=field, owner_id=owner_id, sort=sort, page=page,
                             per_page=per_page)


@router.get("/api/needs", response_model=NeedPage, summary="List needs 需求列表")
def list_needs(filters: needs.NeedFilters = Depends(need_filters), session: Session = SessionDep):
    result = needs.list_needs(session, filters)
    return {"items": [need_out(n) for n in result.items], "total": result.total, "page": result.page,
            "per_page": result.per_page, "pages": result.pages}


@router.post("/api/needs", response_model=NeedOut, status_code=201, summary="Post a need 发布需求",
             description="The caller must belong to the posting organization (member, operator, "
                         "tech-transfer office) or be an administrator.", responses=ERRORS)
def create_need(body: NeedIn, session: Session = SessionDep, auth: Auth = WriterDep):
    return need_out(need_actions.create(session, auth.viewer, body.model_dump()))


SPREADSHEET = {200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}


@router.get("/api/needs/export", summary="Export the filtered list of needs 导出需求 (CSV or XLSX)",
            description="The same filters as the list; every page of it. The file imports back unchanged "
                        "(POST /api/needs/import). Every export is recorded in the audit trail.",
            response_class=Response, responses=SPREADSHEET)
def export_needs(request: Request, format: Literal["csv", "xlsx"] = "xlsx", lang: Literal["zh", "en"] = "zh",
                 filters: needs.NeedFilters = Depends(need_filters), session: Session = SessionDep,
                 viewer: Viewer = ViewerDep):
    content = need_actions.export(session, viewer, filters, format, lang, client=client_address(request))
    return spreadsheet_response(content, f"needs.{format}")


@router.get("/api/needs/import-template", summary="An empty needs import sheet with headers 需求导入模板",
            response_class=Response, responses=SPREADSHEET)
def need_import_template(format: Literal["csv", "xlsx"] = "xlsx", lang: Literal["zh", "en"] = "zh"):
    from medbridge.needs.spreadsheet import template

    return spreadsheet_response(template(format, lang), f"needs-template.{format}")


@router.post("/api/needs/import", summary="Import needs from CSV/XLSX: all rows or none 导入需求",
             response_model=schemas.ImportReportOut,
             responses={**ERRORS, 413: {"model": schemas.ErrorResponse, "description": "the file is too large"},
                        422: {"model": schemas.ImportReportOut | schemas.ErrorResponse}})
async def import_needs(request: Request, file: UploadFile = File(...), dry_run: bool = Form(False),
                       session: Session = SessionDep, auth: Auth = WriterDep):
    settings = request.app.state.settings
    content = await read_upload(file, settings.max_upload_bytes)
    report = need_actions.import_sheet(session, auth.viewer, file.filename or "upload", content, dry_run,
                                       max_bytes=settings.max_upload_bytes, max_rows=settings.max_import_rows)
    return JSONResponse(report.to_dict(), status_code=200 if report.ok else 422)


@router.get("/api/needs/{need_id:int}", response_model=NeedOut, summary="One need 需求详情", responses=NOT_FOUND)
def get_need(need_id: Id, session: Session = SessionDep):
    return need_out(needs.get_need(session, need_id))


@router.patch("/api/needs/{need_id:int}", response_model=NeedOut, summary="Edit a need 编辑需求", responses=ERRORS)
def update_need(need_id: Id, body: NeedPatch, session: Session = SessionDep, auth: Auth = WriterDep):
    need = needs.get_need(session, need_id)
    need_actions.update(session, auth.viewer, need, body.model_dump(exclude_unset=True))
    return need_out(need)


@router.delete("/api/needs/{need_id:int}", status_code=204, summary="Delete a need 删除需求", responses=ERRORS)
def delete_need(need_id: Id, session: Session = SessionDep, auth: Auth = WriterDep):
    need_actions.delete(session, auth.viewer, needs.get_need(session, need_id))


# --- matches ----------------------------------------------------------------------------

@router.get("/api/needs/{need_id:int}/matches", response_model=list[MatchOut], summary="Outcomes for a need 匹配成果",
            responses=NOT_FOUND)
def need_matches(need_id: Id, limit: int = Query(20, ge=1, le=100), session: Session = SessionDep,
                 viewer: Viewer = ViewerDep):
    return [m.as_dict() for m in match_need(session, needs.get_need(session, need_id), viewer, limit)]


@router.get("/api/outcomes/{outcome_id:int}/matches", response_model=list[MatchOut],
            summary="Enterprises, investors, incubators, parks for an outcome 匹配机构", responses=NOT_FOUND)
def outcome_matches(outcome_id: Id, limit: int = Query(20, ge=1, le=100), session: Session = SessionDep,
                    viewer: Viewer = ViewerDep):
    outcome = library.get_outcome(session, outcome_id)
    require_visible(viewer, outcome)
    return [m.as_dict() for m in match_outcome(session, outcome, viewer, limit)]


@router.post("/api/match-feedback", response_model=FeedbackOut, status_code=201,
             summary="Mark a match relevant, irrelevant or contacted 匹配反馈",
             description="Give need_id for a need's match, organization_id for an outcome's match. "
                         "Feedback moves the pair (and similar pairs) up or down in later rankings; "
                         "'contacted' starts a deal.", responses=ERRORS)
def give_feedback(body: FeedbackIn, session: Session = SessionDep, auth: Auth = WriterDep):
    stored = feedback.record(session, auth.viewer, body.verdict, body.outcome_id, body.need_id,
                             body.organization_id, body.note)
    return {name: getattr(stored, name) for name in FeedbackOut.model_fields}
