"""/api/organizations and /api/people: the registry. Everyone reads it; administrators add to it."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from medbridge.accounts.policy import require_admin
from medbridge.api import schemas
from medbridge.api.deps import Auth, SessionDep, WriterDep
from medbridge.api.params import Id, OptionalId, PageNumber, QueryChecks
from medbridge.api.schemas import INVALID_INPUT
from medbridge.registry import service

router = APIRouter(prefix="/api", tags=["registry 机构与人员"], responses=INVALID_INPUT, dependencies=QueryChecks)

ADMIN_WRITE = {401: {"model": schemas.ErrorResponse, "description": "not signed in"},
               403: {"model": schemas.ErrorResponse, "description": "administrators only"},
               422: {"model": schemas.ErrorResponse}}

OrganizationSort = Literal[tuple(f"{sign}{key}" for key in service.ORGANIZATION_SORTS for sign in ("", "-"))]


def _page(items, total, page, per_page) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page, "pages": max(1, -(-total // per_page))}


@router.get("/organizations", response_model=schemas.OrganizationPage, summary="List organizations 机构列表")
def list_organizations(q: str = Query("", description="name or alias contains"), kind: str = "",
                       region: str = "", sort: OrganizationSort = "name", page: PageNumber = 1,
                       per_page: int = Query(50, ge=1, le=200), session: Session = SessionDep):
    items, total = service.list_organizations(session, q=q, kind=kind, region=region, sort=sort,
                                              page=page, per_page=per_page)
    return _page(items, total, page, per_page)


@router.post("/organizations", response_model=schemas.OrganizationOut, status_code=201,
             summary="Add an organization 新增机构 (admin)", responses=ADMIN_WRITE)
def create_organization(body: schemas.OrganizationIn, session: Session = SessionDep, auth: Auth = WriterDep):
    require_admin(auth.viewer)
    return service.create_organization(session, **body.model_dump())


@router.get("/organizations/{org_id:int}", response_model=schemas.OrganizationOut, summary="One organization",
            responses={404: {"model": schemas.ErrorResponse}})
def get_organization(org_id: Id, session: Session = SessionDep):
    return service.get_organization(session, org_id)


@router.get("/people", response_model=schemas.PersonPage, summary="List people 人员列表")
def list_people(q: str = "", organization_id: OptionalId = None, page: PageNumber = 1,
                per_page: int = Query(50, ge=1, le=200), session: Session = SessionDep):
    items, total = service.list_people(session, q=q, organization_id=organization_id, page=page, per_page=per_page)
    return _page(items, total, page, per_page)


@router.post("/people", response_model=schemas.PersonOut, status_code=201, summary="Add a person 新增人员 (admin)",
             responses=ADMIN_WRITE)
def add_person(body: schemas.PersonIn, session: Session = SessionDep, auth: Auth = WriterDep):
    require_admin(auth.viewer)
    return service.add_person(session, name=body.name, expertise=body.expertise, email=body.email,
                              titles=body.titles)
