"""/api/outcomes: the outcome library, its versions, grades, imports and exports.

Every route asks `library.actions` (or the policy) with the caller as viewer: reads see only
what the caller may see, writes need the owner's tech-transfer office or an administrator.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer, detail_level, require_visible
from medbridge.api import schemas
from medbridge.api.deps import Auth, SessionDep, ViewerDep, WriterDep, client_address
from medbridge.api.params import MAX_ID, Id, OptionalId, PageNumber, QueryChecks, VersionNumber
from medbridge.api.schemas import INVALID_INPUT
from medbridge.api.uploads import read_upload
from medbridge.api.views import outcome_view, outcome_views
from medbridge.library import actions, service
from medbridge.library.models import Outcome
from medbridge.library.service import OutcomeFilters

router = APIRouter(prefix="/api/outcomes", tags=["outcomes 成果"], responses=INVALID_INPUT, dependencies=QueryChecks)

SortKey = Literal[tuple(f"{sign}{key}" for key in service.SORTS for sign in ("", "-"))]

NOT_FOUND = {404: {"model": schemas.ErrorResponse, "description": "no such outcome, or not one the caller may see"}}
WRITE_ERRORS = {401: {"model": schemas.ErrorResponse, "description": "not signed in"},
                403: {"model": schemas.ErrorResponse, "description": "not the owner's office or an admin"},
                **NOT_FOUND, 422: {"model": schemas.ErrorResponse}}
DETAIL_ERRORS = {401: {"model": schemas.ErrorResponse, "description": "the detail needs signing in and access"},
                 403: {"model": schemas.ErrorResponse, "description": "the detail needs an access grant"},
                 **NOT_FOUND}


def outcome_filters(
    q: str = Query("", max_length=200, description="text in title or code, and in the summary where readable"),
    field: str = "", kind: str = "", stage: str = "", grade: str = "",
    owner_id: OptionalId = None, region: str = Query("", description="province, city or district"),
    confidentiality: str = "",
    sort: SortKey = Query("-updated_at", description="a column, '-' for descending"),
    page: PageNumber = 1, per_page: int = Query(20, ge=1, le=service.MAX_PER_PAGE),
) -> OutcomeFilters:
    return OutcomeFilters(q=q, field=field, kind=kind, stage=stage, grade=grade, owner_id=owner_id,
                          region=region, confidentiality=confidentiality, sort=sort, page=page,
                          per_page=per_page)


def _fields(body: schemas.OutcomeIn | schemas.OutcomePatch) -> dict:
    data = body.model_dump(exclude={"reason"}, exclude_unset=isinstance(body, schemas.OutcomePatch))
    if "patents" in data and data["patents"] is not None:
        data["patents"] = [dict(p) for p in data["patents"]]
    return data


def _visible(session: Session, viewer: Viewer, outcome_id: int) -> Outcome:
    """The outcome, if the caller may know it exists (404 otherwise, also for writes, so that a
    refused write does not reveal a confidential outcome)."""
    outcome = service.get_outcome(session, outcome_id)
    require_visible(viewer, outcome)
    return outcome


def _changed(viewer: Viewer, changed: bool, outcome: Outcome) -> dict:
    # Asked again: a restored version may have handed the outcome to another organization.
    return {"changed": changed, "outcome": outcome_view(schemas.OutcomeOut, outcome, detail_level(viewer, outcome))}


@router.get("", response_model=schemas.OutcomePage, summary="List outcomes 成果列表")
def list_outcomes(filters: OutcomeFilters = Depends(outcome_filters), session: Session = SessionDep,
                  viewer: Viewer = ViewerDep):
    page = service.list_outcomes(session, filters, viewer)
    return {"items": outcome_views(schemas.OutcomeSummary, page.items, viewer), "total": page.total,
            "page": page.page, "per_page": page.per_page, "pages": page.pages}


@router.post("", response_model=schemas.OutcomeOut, status_code=201, summary="Create an outcome 新建成果",
             responses=WRITE_ERRORS)
def create_outcome(body: schemas.OutcomeIn, session: Session = SessionDep, auth: Auth = WriterDep):
    outcome = actions.create(session, auth.viewer, _fields(body), reason=body.reason)
    return outcome_view(schemas.OutcomeOut, outcome, detail_level(auth.viewer, outcome))


@router.get("/export", summary="Export the filtered list 导出 (CSV or XLSX)",
            description="Outcomes the caller may not see are left out; detail the caller may not read is "
                        "left blank. Every export is recorded in the audit trail.",
            response_class=Response, responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def export_outcomes(request: Request, format: Literal["csv", "xlsx"] = "xlsx", lang: Literal["zh", "en"] = "zh",
                    filters: OutcomeFilters = Depends(outcome_filters), session: Session = SessionDep,
                    viewer: Viewer = ViewerDep):
    content = actions.export(session, viewer, filters, format, lang, client=client_address(request))
    return spreadsheet_response(content, f"outcomes.{format}")


@router.get("/import-template", summary="An empty import sheet with headers 导入模板", response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def import_template(format: Literal["csv", "xlsx"] = "xlsx", lang: Literal["zh", "en"] = "zh"):
    from medbridge.library.spreadsheet import template

    return spreadsheet_response(template(format, lang), f"outcomes-template.{format}")


@router.post("/import", summary="Import CSV/XLSX: all rows or none 导入", response_model=schemas.ImportReportOut,
             description="Each row's owner must be an organization the caller's office manages.",
             responses={401: {"model": schemas.ErrorResponse}, 403: {"model": schemas.ErrorResponse},
                        413: {"model": schemas.ErrorResponse, "description": "the file is too large"},
                        422: {"model": schemas.ImportReportOut | schemas.ErrorResponse,
                              "description": "nothing imported: the report lists every bad row (or the "
                                             "request itself was invalid)"}})
async def import_outcomes(request: Request, file: UploadFile = File(...), dry_run: bool = Form(False),
                          session: Session = SessionDep, auth: Auth = WriterDep):
    settings = request.app.state.settings
    content = await read_upload(file, settings.max_upload_bytes)
    report = actions.import_sheet(session, auth.viewer, file.filename or "upload", content, dry_run=dry_run,
                                  max_bytes=settings.max_upload_bytes, max_rows=settings.max_import_rows)
    return JSONResponse(report.to_dict(), status_code=200 if report.ok else 422)


@router.get("/{outcome_id:int}", response_model=schemas.OutcomeOut, summary="One outcome 成果详情",
            description="A summary-level outcome whose detail the caller may not read comes with "
                        "`detail_hidden: true` and only its summary fields; a confidential one is 404.",
            responses=NOT_FOUND)
def get_outcome(request: Request, outcome_id: Id, session: Session = SessionDep, viewer: Viewer = ViewerDep):
    outcome, level = actions.view(session, viewer, outcome_id, client=client_address(request))
    return outcome_view(schemas.OutcomeOut, outcome, level)


@router.patch("/{outcome_id:int}", response_model=schemas.ChangeResult, summary="Edit: a new version 编辑",
              responses=WRITE_ERRORS)
def update_outcome(outcome_id: Id, body: schemas.OutcomePatch, session: Session = SessionDep,
                   auth: Auth = WriterDep):
    outcome = _visible(session, auth.viewer, outcome_id)
    changed = actions.update(session, auth.viewer, outcome, _fields(body), reason=body.reason)
    return _changed(auth.viewer, changed, outcome)


@router.delete("/{outcome_id:int}", status_code=204, summary="Delete an outcome and its history 删除",
               responses=WRITE_ERRORS)
def delete_outcome(outcome_id: Id, session: Session = SessionDep, auth: Auth = WriterDep):
    actions.delete(session, auth.viewer, _visible(session, auth.viewer, outcome_id))


@router.get("/{outcome_id:int}/versions", response_model=list[schemas.VersionOut], summary="History 历史版本",
            responses=DETAIL_ERRORS)
def list_versions(outcome_id: Id, session: Session = SessionDep, viewer: Viewer = ViewerDep):
    return actions.versions(session, viewer, outcome_id)[1]


@router.get("/{outcome_id:int}/versions/{number:int}", response_model=schemas.VersionDetail, summary="One version",
            responses=DETAIL_ERRORS)
def get_version(outcome_id: Id, number: VersionNumber, session: Session = SessionDep, viewer: Viewer = ViewerDep):
    return service.get_version(session, actions.require_detail(session, viewer, outcome_id), number)


@router.get("/{outcome_id:int}/diff", response_model=list[schemas.DiffItem], summary="Compare two versions 版本对比",
            responses=DETAIL_ERRORS)
def diff_versions(outcome_id: Id, a: int = Query(..., ge=1, le=MAX_ID), b: int = Query(..., ge=1, le=MAX_ID),
                  session: Session = SessionDep, viewer: Viewer = ViewerDep):
    outcome = actions.require_detail(session, viewer, outcome_id)
    return service.diff_snapshots(service.get_version(session, outcome, a).snapshot,
                                  service.get_version(session, outcome, b).snapshot)


@router.post("/{outcome_id:int}/restore/{number:int}", response_model=schemas.ChangeResult,
             summary="Restore a version (as a new version) 恢复版本", responses=WRITE_ERRORS)
def restore_version(outcome_id: Id, number: VersionNumber, body: schemas.RestoreIn, session: Session = SessionDep,
                    auth: Auth = WriterDep):
    outcome = _visible(session, auth.viewer, outcome_id)
    changed = actions.restore(session, auth.viewer, outcome, number, reason=body.reason)
    return _changed(auth.viewer, changed, outcome)


@router.post("/{outcome_id:int}/grade", response_model=schemas.GradeOut, summary="Re-grade with the rubric in force 重新评级",
             responses=WRITE_ERRORS)
def grade_outcome(outcome_id: Id, session: Session = SessionDep, auth: Auth = WriterDep):
    outcome = _visible(session, auth.viewer, outcome_id)
    actions.regrade(session, auth.viewer, outcome)
    return {"id": outcome.id, "code": outcome.code, "score": outcome.score, "grade": outcome.grade,
            "breakdown": outcome.grade_breakdown}


def spreadsheet_response(content: bytes, filename: str) -> Response:
    media = "text/csv; charset=utf-8" if filename.endswith(".csv") else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
