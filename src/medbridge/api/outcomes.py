"""/api/outcomes: the outcome library, its versions, grades, imports and exports."""

from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from medbridge.api import schemas
from medbridge.api.deps import SessionDep
from medbridge.api.uploads import read_upload
from medbridge.library import service
from medbridge.library.service import OutcomeFilters

router = APIRouter(prefix="/api/outcomes", tags=["outcomes 成果"])

SortKey = Literal[tuple(f"{sign}{key}" for key in service.SORTS for sign in ("", "-"))]


def outcome_filters(
    q: str = Query("", description="text in title, summary or code"),
    field: str = "", kind: str = "", stage: str = "", grade: str = "",
    owner_id: Optional[int] = None, region: str = Query("", description="province, city or district"),
    confidentiality: str = "",
    sort: SortKey = Query("-updated_at", description="a column, '-' for descending"),
    page: int = Query(1, ge=1), per_page: int = Query(20, ge=1, le=service.MAX_PER_PAGE),
) -> OutcomeFilters:
    return OutcomeFilters(q=q, field=field, kind=kind, stage=stage, grade=grade, owner_id=owner_id,
                          region=region, confidentiality=confidentiality, sort=sort, page=page,
                          per_page=per_page)


def _fields(body: schemas.OutcomeIn | schemas.OutcomePatch) -> dict:
    data = body.model_dump(exclude={"author", "reason"}, exclude_unset=isinstance(body, schemas.OutcomePatch))
    if "patents" in data and data["patents"] is not None:
        data["patents"] = [dict(p) for p in data["patents"]]
    return data


@router.get("", response_model=schemas.OutcomePage, summary="List outcomes 成果列表")
def list_outcomes(filters: OutcomeFilters = Depends(outcome_filters), session: Session = SessionDep):
    page = service.list_outcomes(session, filters)
    return {"items": page.items, "total": page.total, "page": page.page, "per_page": page.per_page,
            "pages": page.pages}


@router.post("", response_model=schemas.OutcomeOut, status_code=201, summary="Create an outcome 新建成果",
             responses={422: {"model": schemas.ErrorResponse}})
def create_outcome(body: schemas.OutcomeIn, session: Session = SessionDep):
    return service.create_outcome(session, _fields(body), author=body.author, reason=body.reason or "新建 / created")


@router.get("/export", summary="Export the filtered list 导出 (CSV or XLSX)",
            response_class=Response, responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def export_outcomes(format: Literal["csv", "xlsx"] = "xlsx", lang: Literal["zh", "en"] = "zh",
                    filters: OutcomeFilters = Depends(outcome_filters), session: Session = SessionDep):
    from medbridge.library.spreadsheet import export_outcomes as export

    return spreadsheet_response(export(session, filters, format, lang), f"outcomes.{format}")


@router.get("/import-template", summary="An empty import sheet with headers 导入模板", response_class=Response)
def import_template(format: Literal["csv", "xlsx"] = "xlsx", lang: Literal["zh", "en"] = "zh"):
    from medbridge.library.spreadsheet import template

    return spreadsheet_response(template(format, lang), f"outcomes-template.{format}")


@router.post("/import", summary="Import CSV/XLSX: all rows or none 导入",
             responses={422: {"description": "nothing imported; the report lists every bad row"}})
async def import_outcomes(request: Request, file: UploadFile = File(...), dry_run: bool = Form(False),
                          author: str = Form("api"), session: Session = SessionDep):
    from medbridge.library.spreadsheet import import_outcomes as run_import

    settings = request.app.state.settings
    content = await read_upload(file, settings.max_upload_bytes)
    report = run_import(session, file.filename or "upload", content, author=author, dry_run=dry_run,
                        max_bytes=settings.max_upload_bytes, max_rows=settings.max_import_rows)
    return JSONResponse(report.to_dict(), status_code=200 if report.ok else 422)


@router.get("/{outcome_id}", response_model=schemas.OutcomeOut, summary="One outcome 成果详情",
            responses={404: {"model": schemas.ErrorResponse}})
def get_outcome(outcome_id: int, session: Session = SessionDep):
    return service.get_outcome(session, outcome_id)


@router.patch("/{outcome_id}", response_model=schemas.ChangeResult, summary="Edit: a new version 编辑",
              responses={404: {"model": schemas.ErrorResponse}, 422: {"model": schemas.ErrorResponse}})
def update_outcome(outcome_id: int, body: schemas.OutcomePatch, session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    changed = service.update_outcome(session, outcome, _fields(body), author=body.author, reason=body.reason)
    return {"changed": changed, "outcome": outcome}


@router.delete("/{outcome_id}", status_code=204, summary="Delete an outcome and its history 删除")
def delete_outcome(outcome_id: int, session: Session = SessionDep):
    service.delete_outcome(session, service.get_outcome(session, outcome_id))


@router.get("/{outcome_id}/versions", response_model=list[schemas.VersionOut], summary="History 历史版本")
def list_versions(outcome_id: int, session: Session = SessionDep):
    return service.list_versions(session, service.get_outcome(session, outcome_id))


@router.get("/{outcome_id}/versions/{number}", response_model=schemas.VersionDetail, summary="One version")
def get_version(outcome_id: int, number: int, session: Session = SessionDep):
    return service.get_version(session, service.get_outcome(session, outcome_id), number)


@router.get("/{outcome_id}/diff", response_model=list[schemas.DiffItem], summary="Compare two versions 版本对比")
def diff_versions(outcome_id: int, a: int = Query(..., ge=1), b: int = Query(..., ge=1),
                  session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    return service.diff_snapshots(service.get_version(session, outcome, a).snapshot,
                                  service.get_version(session, outcome, b).snapshot)


@router.post("/{outcome_id}/restore/{number}", response_model=schemas.ChangeResult,
             summary="Restore a version (as a new version) 恢复版本")
def restore_version(outcome_id: int, number: int, body: schemas.RestoreIn,
                    session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    changed = service.restore_version(session, outcome, number, author=body.author, reason=body.reason)
    return {"changed": changed, "outcome": outcome}


@router.post("/{outcome_id}/grade", response_model=schemas.GradeOut, summary="Re-grade with the rubric in force 重新评级")
def grade_outcome(outcome_id: int, session: Session = SessionDep):
    outcome = service.get_outcome(session, outcome_id)
    service.regrade(session, outcome)
    return {"id": outcome.id, "code": outcome.code, "score": outcome.score, "grade": outcome.grade,
            "breakdown": outcome.grade_breakdown}


def spreadsheet_response(content: bytes, filename: str) -> Response:
    media = "text/csv; charset=utf-8" if filename.endswith(".csv") else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
