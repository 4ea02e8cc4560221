"""/api/audit: the audit trail, for administrators; its CSV export is itself audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.models import AuditEvent
from medbridge.accounts.policy import require_admin
from medbridge.api import schemas
from medbridge.api.deps import Auth, SessionDep, SignedInDep, client_address
from medbridge.api.params import OptionalId, PageNumber, QueryChecks
from medbridge.api.schemas import INVALID_INPUT, IsoDateTime
from medbridge.api.views import naive_utc

router = APIRouter(prefix="/api/audit", tags=["audit 审计"], responses=INVALID_INPUT, dependencies=QueryChecks)

ADMIN_ONLY = {401: {"model": schemas.ErrorResponse, "description": "not signed in"},
              403: {"model": schemas.ErrorResponse, "description": "administrators only"}}
EXPORT_BATCH = 2000


@dataclass
class AuditFilters:
    action: str
    username: str
    target_type: str
    target_id: Optional[int]
    since: Optional[datetime]
    until: Optional[datetime]

    def as_kwargs(self) -> dict:
        return vars(self)


def audit_filters(
    action: str = Query("", max_length=48, description="action, or its beginning: `outcome.`, `access.grant`"),
    username: str = Query("", max_length=64), target_type: str = Query("", max_length=32),
    target_id: OptionalId = None,
    since: Optional[IsoDateTime] = Query(None, description="from this time on (UTC if no offset is given)"),
    until: Optional[IsoDateTime] = Query(None, description="before this time (UTC if no offset is given)"),
) -> AuditFilters:
    return AuditFilters(action=action, username=username, target_type=target_type, target_id=target_id,
                        since=naive_utc(since, "since"), until=naive_utc(until, "until"))


@router.get("", response_model=schemas.AuditPage, summary="The audit trail (admin) 审计日志", responses=ADMIN_ONLY)
def list_events(filters: AuditFilters = Depends(audit_filters), page: PageNumber = 1,
                per_page: int = Query(50, ge=1, le=500), session: Session = SessionDep, auth: Auth = SignedInDep):
    viewer = auth.viewer
    require_admin(viewer)
    items, total = audit.list_events(session, **filters.as_kwargs(), page=page, per_page=per_page)
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": max(1, -(-total // per_page))}


@router.get("/export", summary="The filtered audit trail as CSV (admin) 导出审计日志", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}, **ADMIN_ONLY})
def export_events(request: Request, filters: AuditFilters = Depends(audit_filters), session: Session = SessionDep,
                  auth: Auth = SignedInDep):
    viewer = auth.viewer
    require_admin(viewer)
    events: list[AuditEvent] = []
    page = 1
    while True:
        batch, total = audit.list_events(session, **filters.as_kwargs(), page=page, per_page=EXPORT_BATCH)
        events += batch
        if len(batch) < EXPORT_BATCH or len(events) >= total:
            break
        page += 1
    audit.record(session, viewer, "audit.export", "audit", None, client=client_address(request),
                 rows=len(events), filters={k: str(v) for k, v in filters.as_kwargs().items() if v not in ("", None)})
    return Response(audit.events_csv(events), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
