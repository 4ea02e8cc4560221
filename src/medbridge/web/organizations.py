"""Pages of the organization registry: a filtered list and one organization with its outcomes."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy.orm import Session

from medbridge.api.deps import Auth
from medbridge.library import service
from medbridge.library.service import OutcomeFilters, Page
from medbridge.registry import service as registry
from medbridge.web.common import PageAuthDep, SessionDep, page_numbers, page_router, render

router = page_router()

PER_PAGE = 50
OUTCOMES_SHOWN = 50


@router.get("/organizations")
def organization_list(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    params = request.query_params
    criteria = SimpleNamespace(q=(params.get("q") or "").strip()[:200], kind=params.get("kind") or "",
                               region=params.get("region") or "")
    number = int(params["page"]) if params.get("page", "").isdigit() and int(params["page"]) > 0 else 1
    rows, total = registry.list_organizations(session, q=criteria.q, kind=criteria.kind,
                                              region=criteria.region, page=number, per_page=PER_PAGE)
    page = Page(items=rows, total=total, page=number, per_page=PER_PAGE)
    counts = service.facet_counts(session, OutcomeFilters(), "owner_id", auth.viewer)

    def query(**overrides) -> str:
        values = {**vars(criteria), **overrides}
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})

    return render(request, "organizations/list.html", {
        "page": page, "criteria": criteria, "regions": registry.regions(session), "counts": counts,
        "page_numbers": page_numbers(page), "query": query,
        "filtered": any(vars(criteria).values()),
    })


@router.get("/organizations/{org_id:int}")
def organization_detail(request: Request, org_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    org = registry.get_organization(session, org_id)
    outcomes = service.list_outcomes(session, OutcomeFilters(owner_id=org.id, sort="-score",
                                                             per_page=OUTCOMES_SHOWN), auth.viewer)
    people, _ = registry.list_people(session, organization_id=org.id, per_page=200)
    return render(request, "organizations/detail.html", {"org": org, "outcomes": outcomes, "people": people})
