"""/api/chain: the industry chain — taxonomy, placements, coverage and choke points,
corridors, heat map, attraction targets, cluster figures and spreadsheet exports.

Reads are open (outcome counts include only what the caller may know exists); placing an
organization needs an administrator, its own office or operator, or its park's operator
(chain.actions); editing the taxonomy needs an administrator.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import Viewer
from medbridge.api import schemas
from medbridge.api.deps import Auth, SessionDep, ViewerDep, WriterDep, client_address
from medbridge.api.outcomes import spreadsheet_response
from medbridge.api.params import Id, OptionalId, PageNumber, QueryChecks
from medbridge.api.schemas import INVALID_INPUT, Input, UtcDateTime
from medbridge.chain import actions, exports, figures, placement, taxonomy
from medbridge.chain import coverage as cov
from medbridge.chain.targets import rank_targets

router = APIRouter(prefix="/api/chain", tags=["chain 产业链"], responses=INVALID_INPUT, dependencies=QueryChecks)

Key = Annotated[str, Query(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="a chain or segment key")]
OptionalKey = Annotated[str, Query(pattern=r"^([a-z][a-z0-9_]{0,31})?$")]
Region = Annotated[str, Query(max_length=64, description="a province, city or district, as in the registry")]
NOT_FOUND = {404: {"model": schemas.ErrorResponse, "description": "no such chain, segment, park or row"}}
WRITE_ERRORS = {401: {"model": schemas.ErrorResponse, "description": "not signed in"},
                403: {"model": schemas.ErrorResponse, "description": "not allowed to do this"},
                **NOT_FOUND}
XLSX = {200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}


# --- shapes -------------------------------------------------------------------------------

class TaxonomyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    version: int
    data: dict[str, Any]
    author: str
    reason: str
    created_at: UtcDateTime


class TaxonomyIn(Input):
    data: dict[str, Any]
    reason: str = Field("", max_length=500)


class PlacementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    organization: schemas.OrganizationRef
    chain_key: str
    segment_key: str
    status: str
    source: str
    confidence: Optional[float]
    reasons: list[str]
    decided_by: str
    decided_at: Optional[UtcDateTime]
    note: str


class PlacementPage(BaseModel):
    items: list[PlacementOut]
    total: int
    page: int
    per_page: int


class PlacementIn(Input):
    organization_id: int = Field(ge=1, le=2**31 - 1)
    chain: str = Field(max_length=32)
    segment: str = Field(max_length=32)
    note: str = Field("", max_length=500)


class DecisionIn(Input):
    confirm: bool
    note: str = Field("", max_length=500)


class SuggestIn(Input):
    organization_ids: Optional[list[Annotated[int, Field(ge=1, le=2**31 - 1)]]] = Field(
        None, max_length=500, description="omit to run the rules over every organization (administrators)")


class SuggestOut(BaseModel):
    added: int
    kept: int
    dropped: int


class ParkIn(Input):
    park_id: Optional[int] = Field(None, ge=1, le=2**31 - 1, description="null: not in a park")


class ParkOut(BaseModel):
    organization_id: int
    park_id: Optional[int]


class MemberOut(BaseModel):
    id: int
    name: str
    kind: str
    city: str
    output: Optional[float]
    outcomes: int


class SegmentCoverageOut(BaseModel):
    segment: str
    zh: str
    en: str
    position: str
    count: int
    status: Literal["missing", "single", "thin", "covered"]
    dependent: bool
    top_share: Optional[float]
    choke: bool
    outcome_count: int
    leading: list[MemberOut]
    organizations: list[MemberOut]


class ChainCoverageOut(BaseModel):
    chain: str
    zh: str
    en: str
    present: bool
    organizations: int
    segments: list[SegmentCoverageOut]


class CoverageOut(BaseModel):
    region: str
    park_id: Optional[int]
    rules: list[str]
    chains: list[ChainCoverageOut]


class CorridorOut(BaseModel):
    chain: str
    legs: list[tuple[str, list[str]]]
    missing: list[str]


class HeatmapOut(BaseModel):
    chain: str
    level: str
    regions: list[str]
    segments: list[str]
    counts: list[list[int]]


class TargetOut(BaseModel):
    organization: schemas.OrganizationRef
    region: str
    score: float
    fit: float
    size: float
    outcomes: float
    news: float
    status: str
    reasons: list[str]


class FigureIn(Input):
    region: str = Field("", max_length=64)
    organization_id: Optional[int] = Field(None, ge=1, le=2**31 - 1)
    chain: str = Field("", max_length=32)
    metric: str = Field(max_length=32)
    value: float = Field(ge=0, le=1e12)
    period: str = Field(max_length=16, description="a year or year-month: 2023, 2024-06")
    source_kind: Literal["manual", "article"] = "manual"
    article_id: Optional[int] = Field(None, ge=1, le=2**31 - 1)
    source_url: str = Field("", max_length=500)
    quote: str = Field("", max_length=2000)
    note: str = Field("", max_length=500)


class FigureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    region: str
    organization_id: Optional[int]
    chain_key: str
    metric: str
    value: float
    unit: str
    period: str
    source_kind: str
    article_id: Optional[int]
    source_url: str
    quote: str
    note: str
    author: str
    created_at: UtcDateTime


class FigurePage(BaseModel):
    items: list[FigureOut]
    total: int
    page: int
    per_page: int


# --- taxonomy -----------------------------------------------------------------------------

@router.get("/taxonomy", response_model=TaxonomyOut, summary="The chain taxonomy in force 产业链图谱")
def get_taxonomy(session: Session = SessionDep):
    return taxonomy.current_version(session)


@router.put("/taxonomy", response_model=TaxonomyOut, summary="Save an edited taxonomy as a new version (admin)",
            responses={**WRITE_ERRORS, 422: {"model": schemas.ErrorResponse}})
def save_taxonomy(body: TaxonomyIn, session: Session = SessionDep, auth: Auth = WriterDep):
    return actions.save_taxonomy(session, auth.viewer, body.data, body.reason)


@router.get("/taxonomy/versions", response_model=list[TaxonomyOut], summary="Every version, newest first 版本")
def taxonomy_versions(session: Session = SessionDep):
    return taxonomy.list_versions(session)


# --- placements ---------------------------------------------------------------------------

def placement_filters(organization_id: OptionalId = None, chain: OptionalKey = "", segment: OptionalKey = "",
                      status: Literal["", "suggested", "confirmed", "rejected"] = "", region: Region = "",
                      park_id: OptionalId = None, min_confidence: Optional[float] = Query(None, ge=0, le=1),
                      sort: Literal["-confidence", "confidence", "organization", "-organization", "-created_at",
                                    "created_at", "chain"] = "-confidence",
                      page: PageNumber = 1, per_page: int = Query(50, ge=1, le=placement.MAX_PER_PAGE),
                      ) -> placement.PlacementFilters:
    return placement.PlacementFilters(organization_id, chain, segment, status, region.strip(), park_id,
                                      min_confidence, sort, page, per_page)


@router.get("/placements", response_model=PlacementPage, summary="Placements of organizations 机构定位")
def list_placements(filters: placement.PlacementFilters = Depends(placement_filters), session: Session = SessionDep):
    rows, total = placement.list_placements(session, filters)
    return {"items": rows, "total": total, "page": filters.page, "per_page": filters.per_page}


@router.post("/placements", response_model=PlacementOut, status_code=201, summary="Place an organization (confirmed)",
             responses={**WRITE_ERRORS, 422: {"model": schemas.ErrorResponse}})
def create_placement(body: PlacementIn, session: Session = SessionDep, auth: Auth = WriterDep):
    return actions.place(session, auth.viewer, body.organization_id, body.chain, body.segment, body.note)


@router.post("/placements/{placement_id:int}/decision", response_model=PlacementOut,
             summary="Confirm or reject a placement 确认/否决", responses=WRITE_ERRORS)
def decide_placement(placement_id: Id, body: DecisionIn, session: Session = SessionDep, auth: Auth = WriterDep):
    return actions.decide(session, auth.viewer, placement_id, body.confirm, body.note)


@router.post("/suggestions", response_model=SuggestOut, summary="Run the placement rules 生成定位建议",
             responses=WRITE_ERRORS)
def run_suggestions(body: SuggestIn, session: Session = SessionDep, auth: Auth = WriterDep):
    ids = list(dict.fromkeys(body.organization_ids)) if body.organization_ids is not None else None
    return actions.refresh_suggestions(session, auth.viewer, ids)


@router.put("/organizations/{org_id:int}/park", response_model=ParkOut, summary="The park an organization sits in",
            responses={**WRITE_ERRORS, 422: {"model": schemas.ErrorResponse}})
def set_park(org_id: Id, body: ParkIn, session: Session = SessionDep, auth: Auth = WriterDep):
    tenancy = actions.set_park(session, auth.viewer, org_id, body.park_id)
    return {"organization_id": org_id, "park_id": tenancy.park_id if tenancy else None}


# --- coverage, corridors, heat map, targets ---------------------------------------------

def members_out(members: list[cov.Member]) -> list[dict]:
    return [{"id": m.id, "name": m.name, "kind": m.kind, "city": m.city, "output": m.output, "outcomes": m.outcomes}
            for m in members]


def coverage_out(chains: taxonomy.ChainMap, report: list[cov.ChainCoverage]) -> list[dict]:
    out = []
    for item in report:
        chain = chains.chain(item.chain)
        out.append({"chain": chain.key, "zh": chain.zh, "en": chain.en, "present": item.present,
                    "organizations": item.organizations, "segments": [{
                        "segment": s.segment, "zh": chain.segment(s.segment).zh, "en": chain.segment(s.segment).en,
                        "position": chain.segment(s.segment).position, "count": s.count, "status": s.status,
                        "dependent": s.dependent, "top_share": s.top_share, "choke": s.choke,
                        "outcome_count": s.outcome_count, "leading": members_out(s.leading),
                        "organizations": members_out(s.members)} for s in item.segments]})
    return out


@router.get("/coverage", response_model=CoverageOut, summary="Coverage and choke points 覆盖与卡点",
            description="Per chain and segment: local organizations, status, single-firm dependence, choke points. "
                        "Give a region or a park (or neither, for everywhere).", responses=NOT_FOUND)
def get_coverage(region: Region = "", park_id: OptionalId = None, chain: OptionalKey = "",
                 lang: Literal["zh", "en"] = "zh", session: Session = SessionDep, viewer: Viewer = ViewerDep):
    chains = taxonomy.current(session)
    scope = cov.Scope(region.strip(), park_id)
    report = cov.coverage(session, chains, viewer, scope, chain or None)
    return {"region": scope.region, "park_id": park_id, "rules": cov.rule_texts(lang),
            "chains": coverage_out(chains, report)}


@router.get("/corridors", response_model=list[CorridorOut], summary="Corridors across cities 产业廊道")
def get_corridors(regions: list[Annotated[str, Query(max_length=64)]] = Query([], max_length=20),
                  session: Session = SessionDep, viewer: Viewer = ViewerDep):
    found = cov.corridors(session, taxonomy.current(session), viewer, [r.strip() for r in regions if r.strip()])
    return [{"chain": c.chain, "legs": c.legs, "missing": c.missing} for c in found]


@router.get("/heatmap", response_model=HeatmapOut, summary="Region × segment counts 热力图", responses=NOT_FOUND)
def get_heatmap(chain: Key, level: Literal["province", "city"] = "province", session: Session = SessionDep,
                viewer: Viewer = ViewerDep):
    regions, keys, counts = cov.heatmap(session, taxonomy.current(session), viewer, chain, level)
    return {"chain": chain, "level": level, "regions": regions, "segments": keys, "counts": counts}


@router.get("/targets", response_model=list[TargetOut], summary="Attraction targets for a gap 招商目标",
            responses=NOT_FOUND)
def get_targets(region: Annotated[str, Query(min_length=1, max_length=64, pattern=r"\S")], chain: Key, segment: Key,
                limit: int = Query(20, ge=1, le=100), session: Session = SessionDep, viewer: Viewer = ViewerDep):
    found = rank_targets(session, taxonomy.current(session), viewer, region, chain, segment, limit)
    return [{"organization": t.organization, "region": t.organization.region, "score": t.score, "fit": t.fit,
             "size": t.size, "outcomes": t.outcomes, "news": t.news, "status": t.status, "reasons": t.reasons}
            for t in found]


# --- figures ------------------------------------------------------------------------------

@router.get("/figures", response_model=FigurePage, summary="Cluster figures with sources 产业数据")
def list_figures(region: Region = "", organization_id: OptionalId = None,
                 metric: OptionalKey = "", chain: OptionalKey = "", page: PageNumber = 1,
                 per_page: int = Query(50, ge=1, le=figures.MAX_PER_PAGE), session: Session = SessionDep):
    rows, total = figures.list_figures(session, figures.FigureFilters(region.strip(), organization_id, metric, chain,
                                                                      page, per_page))
    return {"items": rows, "total": total, "page": page, "per_page": per_page}


@router.post("/figures", response_model=FigureOut, status_code=201, summary="Add a figure (admin, park operator)",
             responses={**WRITE_ERRORS, 422: {"model": schemas.ErrorResponse}})
def add_figure(body: FigureIn, session: Session = SessionDep, auth: Auth = WriterDep):
    return actions.add_figure(session, auth.viewer, body.model_dump())


@router.delete("/figures/{figure_id:int}", status_code=204, summary="Delete a figure", responses=WRITE_ERRORS)
def delete_figure(figure_id: Id, session: Session = SessionDep, auth: Auth = WriterDep):
    actions.delete_figure(session, auth.viewer, figure_id)


# --- exports ------------------------------------------------------------------------------

@router.get("/export/enterprises", summary="Enterprise list as XLSX 企业清单", response_class=Response,
            responses={**XLSX, **NOT_FOUND})
def export_enterprises(request: Request, region: Region = "", park_id: OptionalId = None, chain: OptionalKey = "",
                       segment: OptionalKey = "", lang: Literal["zh", "en"] = "zh", session: Session = SessionDep,
                       viewer: Viewer = ViewerDep):
    chains = taxonomy.current(session)
    if segment and chain:
        chains.segment(chain, segment)
    content = exports.enterprise_list(session, chains, viewer, cov.Scope(region.strip(), park_id), chain or None,
                                      segment or None, lang)
    audit.record(session, viewer, "chain.export", "export", None, client=client_address(request), kind="enterprises",
                 region=region, park_id=park_id, chain=chain, segment=segment)
    return spreadsheet_response(content, "enterprises.xlsx")


@router.get("/export/gaps", summary="Gap report as XLSX: coverage, choke points, targets 卡点报告",
            response_class=Response, responses={**XLSX, **NOT_FOUND})
def export_gaps(request: Request, region: Region = "", park_id: OptionalId = None, chain: OptionalKey = "",
                lang: Literal["zh", "en"] = "zh", session: Session = SessionDep, viewer: Viewer = ViewerDep):
    chains = taxonomy.current(session)
    content = exports.gap_report(session, chains, viewer, cov.Scope(region.strip(), park_id), chain or None, lang)
    audit.record(session, viewer, "chain.export", "export", None, client=client_address(request), kind="gaps",
                 region=region, park_id=park_id, chain=chain)
    return spreadsheet_response(content, "gap-report.xlsx")
