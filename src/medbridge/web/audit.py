"""The audit trail, for administrators: filter, page through, export as CSV (itself audited)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import require_admin
from medbridge.api.deps import Auth
from medbridge.library.service import Page
from medbridge.web.common import (PageAuthDep, SessionDep, client_address, day_range, page_number, page_numbers,
                                  page_router, render)

router = page_router()

PER_PAGE = 50
MAX_EXPORT = 100_000


@dataclass
class AuditFilters:
    action: str = ""
    username: str = ""
    since: str = ""
    until: str = ""

    @classmethod
    def from_query(cls, params) -> "AuditFilters":
        return cls(**{name: (params.get(name) or "").strip()[:64] for name in ("action", "username", "since", "until")})

    def criteria(self) -> dict:
        since, until = day_range(self.since, self.until)
        return {"action": self.action, "username": self.username, "since": since, "until": until}

    def query(self, **overrides) -> str:
        values = {**vars(self), **overrides}
        return urlencode({name: value for name, value in values.items() if value not in ("", None, 1)})


@router.get("/audit")
def audit_page(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_admin(auth.viewer)
    filters = AuditFilters.from_query(request.query_params)
    number = page_number(request.query_params)
    events, total = audit.list_events(session, **filters.criteria(), page=number, per_page=PER_PAGE)
    page = Page(items=events, total=total, page=number, per_page=PER_PAGE)
    return render(request, "audit.html", {"page": page, "filters": filters, "page_numbers": page_numbers(page),
                                          "query": filters.query})


@router.get("/audit.csv")
def audit_export(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_admin(auth.viewer)
    filters = AuditFilters.from_query(request.query_params)
    events, _ = audit.list_events(session, **filters.criteria(), page=1, per_page=MAX_EXPORT)
    audit.record(session, auth.viewer, "audit.export", "audit", None, client=client_address(request),
                 rows=len(events), filters={k: v for k, v in vars(filters).items() if v})
    return Response(audit.events_csv(events), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
