"""Finding, creating and listing organizations and people."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from medbridge.errors import NotFound, ValidationError
from medbridge.library.taxonomy import get_taxonomy
from medbridge.registry.models import Organization, OrganizationAlias, Person, PersonTitle

ORGANIZATION_SORTS = {"name": Organization.name, "kind": Organization.kind,
                      "created_at": Organization.created_at, "city": Organization.city}


def organization_index(session: Session) -> dict[str, int]:
    """Every name and alias → organization id, for resolving many names at once (imports)."""
    index = {name: oid for oid, name in session.execute(select(Organization.id, Organization.name))}
    index.update({alias: oid for oid, alias in
                  session.execute(select(OrganizationAlias.organization_id, OrganizationAlias.alias))})
    return index


def find_organization(session: Session, name_or_id: str | int) -> Organization | None:
    """By id, exact name or alias."""
    text = str(name_or_id).strip()
    if text.isdecimal():  # not isdigit(): "¹" is a digit that int() refuses
        number = int(text)
        # Past 64 bits SQLite cannot even compare it; no organization has such an id.
        return session.get(Organization, number) if number < 2**63 else None
    org = session.scalar(select(Organization).where(Organization.name == text))
    if org is None:
        org = session.scalar(select(Organization).join(OrganizationAlias).where(OrganizationAlias.alias == text))
    return org


def get_organization(session: Session, org_id: int) -> Organization:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound(f"organization {org_id} not found / 机构不存在")
    return org


def create_organization(session: Session, name: str, kind: str, aliases: list[str] = (),
                        parent: str | int | None = None, province: str = "", city: str = "",
                        district: str = "", website: str = "", description: str = "",
                        is_demo: bool = False) -> Organization:
    errors = []
    name = (name or "").strip()
    kinds = get_taxonomy().organization_kinds
    kind_key = kinds.resolve(kind or "")
    if not name:
        errors.append({"field": "name", "message": "必填 / required"})
    elif find_organization(session, name) is not None:
        errors.append({"field": "name", "message": f"“{name}”已存在 / already exists"})
    if kind_key is None:
        errors.append({"field": "kind", "message": f"未知机构类型“{kind}” / unknown kind; one of {', '.join(kinds.keys)}"})
    parent_org = None
    if parent not in (None, ""):
        parent_org = find_organization(session, parent)
        if parent_org is None:
            errors.append({"field": "parent", "message": f"上级机构“{parent}”不存在 / parent not found"})
    clean_aliases = [a.strip() for a in aliases if a and a.strip() and a.strip() != name]
    for alias in clean_aliases:
        if find_organization(session, alias) is not None:
            errors.append({"field": "aliases", "message": f"别名“{alias}”已被使用 / alias already taken"})
    if errors:
        raise ValidationError(errors)
    org = Organization(name=name, kind=kind_key, parent=parent_org, province=province.strip(),
                       city=city.strip(), district=district.strip(), website=website.strip(),
                       description=description.strip(), is_demo=is_demo,
                       aliases=[OrganizationAlias(alias=a) for a in dict.fromkeys(clean_aliases)])
    session.add(org)
    session.flush()
    return org


def list_organizations(session: Session, q: str = "", kind: str = "", region: str = "",
                       sort: str = "name", page: int = 1, per_page: int = 50) -> tuple[list[Organization], int]:
    query = select(Organization)
    if q:
        pattern = f"%{q.strip()}%"
        alias_hit = select(OrganizationAlias.organization_id).where(OrganizationAlias.alias.like(pattern))
        query = query.where(or_(Organization.name.like(pattern), Organization.id.in_(alias_hit)))
    if kind:
        query = query.where(Organization.kind == kind)
    if region:
        query = query.where(or_(Organization.province == region, Organization.city == region,
                                Organization.district == region))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    column = ORGANIZATION_SORTS.get(sort.lstrip("-"), Organization.name)
    order = column.desc() if sort.startswith("-") else column.asc()
    rows = session.scalars(query.order_by(order, Organization.id).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def regions(session: Session) -> list[str]:
    """Provinces and cities that have at least one organization, for filter menus."""
    names = set()
    for province, city in session.execute(select(Organization.province, Organization.city).distinct()):
        names.update(n for n in (province, city) if n)
    return sorted(names)


def add_person(session: Session, name: str, expertise: list[str] = (), email: str = "",
               titles: list[tuple[str | int, str]] = (), is_demo: bool = False) -> Person:
    """A person, with (organization, title) pairs they currently hold."""
    name = (name or "").strip()
    if not name:
        raise ValidationError([{"field": "name", "message": "必填 / required"}])
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise ValidationError([{"field": "email", "message": f"邮箱格式不对 / not an e-mail address: {email}"}])
    person = Person(name=name, expertise=[e.strip() for e in expertise if e.strip()], email=email, is_demo=is_demo)
    for org_ref, title in titles:
        org = find_organization(session, org_ref)
        if org is None:
            raise ValidationError([{"field": "titles", "message": f"机构“{org_ref}”不存在 / organization not found"}])
        person.titles.append(PersonTitle(organization=org, title=title))
    session.add(person)
    session.flush()
    return person


def list_people(session: Session, q: str = "", organization_id: int | None = None,
                page: int = 1, per_page: int = 50) -> tuple[list[Person], int]:
    query = select(Person)
    if q:
        query = query.where(Person.name.like(f"%{q.strip()}%"))
    if organization_id:
        query = query.where(Person.id.in_(select(PersonTitle.person_id).where(
            PersonTitle.organization_id == organization_id)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Person.name, Person.id).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total
