"""The outcome library's operations: create, edit, version, restore, grade, list.

Every write goes through here, so every write leaves a version and a fresh grade.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from typing import Any, Mapping

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from medbridge.accounts.policy import Viewer, full_detail_condition, visible_condition
from medbridge.db.base import utcnow
from medbridge.errors import NotFound, ValidationError
from medbridge.library.classification import suggest_field
from medbridge.library.fields import EDITABLE_FIELDS, clean_outcome_fields
from medbridge.library.grading import default_rubric, grade_outcome, validate_rubric
from medbridge.library.models import Outcome, OutcomeVersion, Rubric
from medbridge.registry.models import Organization
from medbridge.registry.service import find_organization

# A suggested field is taken without asking only when the classifier is this sure.
AUTO_FIELD_CONFIDENCE = 0.5

SORTS = {"updated_at": Outcome.updated_at, "created_at": Outcome.created_at, "score": Outcome.score,
         "title": Outcome.title, "code": Outcome.code, "trl": Outcome.trl, "grade": Outcome.grade}
MAX_PER_PAGE = 200


@dataclass
class OutcomeFilters:
    q: str = ""
    field: str = ""
    kind: str = ""
    stage: str = ""
    grade: str = ""
    owner_id: int | None = None
    region: str = ""
    confidentiality: str = ""
    sort: str = "-updated_at"
    page: int = 1
    per_page: int = 20

    def validated(self) -> "OutcomeFilters":
        errors = paging_errors(self.sort, SORTS, self.page, self.per_page)
        if errors:
            raise ValidationError(errors)
        return self


def paging_errors(sort: str, sorts, page: int, per_page: int) -> list[dict]:
    """What is wrong with a list's sort key, page number and page size (shared by every list)."""
    errors = []
    if sort.lstrip("-") not in sorts:
        errors.append({"field": "sort", "message": f"不能按“{sort}”排序 / cannot sort by it; one of {', '.join(sorts)}"})
    if page < 1:
        errors.append({"field": "page", "message": "页码从1开始 / pages start at 1"})
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors.append({"field": "per_page", "message": f"每页1到{MAX_PER_PAGE}条 / 1 to {MAX_PER_PAGE} per page"})
    return errors


@dataclass
class Page:
    items: list[Outcome]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --- rubric -----------------------------------------------------------------------------

def current_rubric(session: Session) -> Rubric:
    """The rubric in force; the packaged default is stored as version 1 on first use."""
    rubric = session.scalar(select(Rubric).order_by(Rubric.version.desc()).limit(1))
    if rubric is None:
        rubric = Rubric(version=1, data=default_rubric(), author="system", reason="默认评分规则 / default rubric")
        session.add(rubric)
        session.flush()
    return rubric


def save_rubric(session: Session, data: Mapping[str, Any], author: str, reason: str = "") -> tuple[Rubric, int]:
    """Store an edited rubric as a new version and re-grade every outcome; returns (rubric, regraded)."""
    clean = validate_rubric(data)
    version = current_rubric(session).version + 1
    rubric = Rubric(version=version, data=clean, author=author, reason=reason)
    session.add(rubric)
    session.flush()
    return rubric, regrade_all(session, rubric)


def regrade_all(session: Session, rubric: Rubric | None = None) -> int:
    rubric = rubric or current_rubric(session)
    count = 0
    for outcome in session.scalars(select(Outcome).execution_options(yield_per=500)):
        _apply_grade(outcome, rubric)
        count += 1
    session.flush()
    return count


def regrade(session: Session, outcome: Outcome) -> None:
    """Grade one outcome again with the rubric in force."""
    _apply_grade(outcome, current_rubric(session))
    session.flush()


def _apply_grade(outcome: Outcome, rubric: Rubric) -> None:
    result = grade_outcome(snapshot(outcome), rubric.data)
    outcome.score, outcome.grade, outcome.grade_breakdown = result.score, result.grade, result.breakdown
    outcome.rubric_version = rubric.version


# --- reading ----------------------------------------------------------------------------

def get_outcome(session: Session, outcome_id: int) -> Outcome:
    outcome = session.get(Outcome, outcome_id)
    if outcome is None:
        raise NotFound(f"outcome {outcome_id} not found / 成果不存在")
    return outcome


def get_outcome_by_ref(session: Session, ref: str | int) -> Outcome:
    """By numeric id or by code."""
    text = str(ref).strip()
    outcome = session.get(Outcome, int(text)) if text.isdigit() else None
    if outcome is None:
        outcome = session.scalar(select(Outcome).where(Outcome.code == text))
    if outcome is None:
        raise NotFound(f"outcome {ref} not found / 成果不存在")
    return outcome


def filtered_query(filters: OutcomeFilters, viewer: Viewer):
    """Outcomes matching the filters among those the viewer may know exist."""
    query = select(Outcome).where(visible_condition(viewer))
    if filters.q:
        pattern = f"%{filters.q.strip()}%"
        # The summary is searched only where the viewer may read it, or a match would leak it.
        in_detail = and_(Outcome.summary.like(pattern), full_detail_condition(viewer))
        query = query.where(or_(Outcome.title.like(pattern), Outcome.code.like(pattern), in_detail))
    for name in ("field", "kind", "stage", "grade", "confidentiality"):
        value = getattr(filters, name)
        if value:
            query = query.where(getattr(Outcome, name) == value)
    if filters.owner_id:
        query = query.where(Outcome.owner_id == filters.owner_id)
    if filters.region:
        in_region = select(Organization.id).where(or_(
            Organization.province == filters.region, Organization.city == filters.region,
            Organization.district == filters.region))
        query = query.where(Outcome.owner_id.in_(in_region))
    return query


# Columns that belong to an outcome's detail: sorting on them must not reveal, by position,
# the value of an outcome whose detail the viewer may not read.
DETAIL_SORTS = {"trl"}


def _ordered(query, sort: str, viewer: Viewer):
    column = SORTS[sort.lstrip("-")]
    if sort.lstrip("-") in DETAIL_SORTS:
        column = case((full_detail_condition(viewer), column), else_=None)
    order = column.desc() if sort.startswith("-") else column.asc()
    # NULLs (ungraded, no TRL) go last either way; only nullable columns need the extra key,
    # which would otherwise keep the database from walking an index. The id breaks ties so
    # pages never overlap.
    keys = [column.is_(None), order] if getattr(column, "nullable", True) else [order]
    return query.order_by(*keys, Outcome.id.desc())


def list_outcomes(session: Session, filters: OutcomeFilters, viewer: Viewer) -> Page:
    filters.validated()
    query = filtered_query(filters, viewer)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    query = _ordered(query, filters.sort, viewer).offset((filters.page - 1) * filters.per_page).limit(filters.per_page)
    return Page(items=list(session.scalars(query)), total=total, page=filters.page, per_page=filters.per_page)


def iter_outcomes(session: Session, filters: OutcomeFilters, viewer: Viewer):
    """Every outcome matching the filters (ignoring pagination), in the filters' order."""
    query = _ordered(filtered_query(filters.validated(), viewer), filters.sort, viewer)
    yield from session.scalars(query.execution_options(yield_per=500))


def facet_counts(session: Session, filters: OutcomeFilters, name: str, viewer: Viewer) -> dict[str, int]:
    """How many outcomes per value of one column, under the other filters."""
    base = filtered_query(filters, viewer).subquery()
    rows = session.execute(select(base.c[name], func.count()).group_by(base.c[name]))
    return {key: count for key, count in rows if key}


# --- writing ----------------------------------------------------------------------------

def snapshot(outcome: Outcome) -> dict:
    """The editable state of an outcome, as stored in each version."""
    data = {name: getattr(outcome, name) for name in EDITABLE_FIELDS}
    data["field_source"] = outcome.field_source
    data["field_confidence"] = outcome.field_confidence
    return data


def resolve_owner(session: Session, data: Mapping[str, Any]) -> dict:
    """Turn an owner given by name or alias (key "owner") into owner_id."""
    data = dict(data)
    owner = data.pop("owner", None)
    if owner not in (None, "") and data.get("owner_id") in (None, ""):
        org = find_organization(session, owner)
        # An unknown name stays as given, for the message; an unknown number gets a "#" so that
        # it is not taken for an id (nor overflow the column, when it is a very long number).
        data["owner_id"] = org.id if org else f"#{owner}" if str(owner).strip().isdigit() else str(owner)
    elif data.get("owner_id") not in (None, "") and str(data["owner_id"]).isdigit():
        if find_organization(session, data["owner_id"]) is None:
            data["owner_id"] = f"#{data['owner_id']}"
    return data


def _suggest_missing_field(data: dict) -> dict:
    if str(data.get("field") or "").strip():
        return {"field_source": "manual", "field_confidence": None}
    suggestion = suggest_field(f"{data.get('title', '')} {data.get('summary', '')} {data.get('keywords', '')}")
    if suggestion.key and suggestion.confidence >= AUTO_FIELD_CONFIDENCE:
        data["field"] = suggestion.key
        return {"field_source": "suggested", "field_confidence": suggestion.confidence}
    return {"field_source": "manual", "field_confidence": None}


def prepare_new_outcome(session: Session, data: Mapping[str, Any]) -> dict:
    """Clean fields for a new outcome, or raise ValidationError listing every problem."""
    data = resolve_owner(session, data)
    provenance = _suggest_missing_field(data)
    clean, errors = clean_outcome_fields(data)
    if clean.get("code") and session.scalar(select(Outcome.id).where(Outcome.code == clean["code"])):
        errors.append({"field": "code", "message": f"编号“{clean['code']}”已存在 / code already used"})
    if errors:
        raise ValidationError(errors)
    return {**clean, **provenance}


def create_outcome(session: Session, data: Mapping[str, Any], author: str,
                   reason: str = "新建 / created", is_demo: bool = False) -> Outcome:
    clean = prepare_new_outcome(session, data)
    return insert_outcome(session, clean, author, reason, is_demo)


def insert_outcome(session: Session, clean: dict, author: str, reason: str, is_demo: bool = False,
                   rubric: Rubric | None = None) -> Outcome:
    """Write an already-cleaned outcome with its first version and grade.

    Bulk callers (imports, demo data) pass the rubric in force, to save a query per row.
    """
    now = utcnow()
    outcome = Outcome(**clean, version=1, is_demo=is_demo, created_at=now, updated_at=now)
    _apply_grade(outcome, rubric or current_rubric(session))
    outcome.versions.append(OutcomeVersion(number=1, snapshot=snapshot(outcome), author=author,
                                           reason=reason, created_at=now))
    session.add(outcome)
    session.flush()
    return outcome


def prepare_changes(session: Session, outcome: Outcome, changes: Mapping[str, Any]) -> dict:
    """Clean a partial edit of an outcome, or raise ValidationError listing every problem."""
    changes = resolve_owner(session, changes)
    clean, errors = clean_outcome_fields(changes, partial=True)
    for name in ("code", "title", "owner_id", "kind", "field", "stage"):
        if name in clean and clean[name] in (None, ""):
            errors.append({"field": name, "message": "必填 / required"})
    if clean.get("code") and clean["code"] != outcome.code and session.scalar(
            select(Outcome.id).where(Outcome.code == clean["code"])):
        errors.append({"field": "code", "message": f"编号“{clean['code']}”已存在 / code already used"})
    if errors:
        raise ValidationError(errors)
    if "field" in clean and clean["field"] != outcome.field:
        clean["field_source"], clean["field_confidence"] = "manual", None
    return clean


def would_change(outcome: Outcome, clean: Mapping[str, Any]) -> bool:
    return any(getattr(outcome, name) != value for name, value in clean.items())


def update_outcome(session: Session, outcome: Outcome, changes: Mapping[str, Any], author: str,
                   reason: str = "") -> bool:
    """Apply changes as a new version; returns False (and writes nothing) if nothing changed."""
    return apply_changes(session, outcome, prepare_changes(session, outcome, changes), author,
                         reason or "编辑 / edited")


def apply_changes(session: Session, outcome: Outcome, clean: Mapping[str, Any], author: str, reason: str,
                  rubric: Rubric | None = None) -> bool:
    """Write already-cleaned values as a new version, re-graded; False if nothing differs."""
    changed = {name: value for name, value in clean.items() if getattr(outcome, name) != value}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(outcome, name, value)
    outcome.version += 1
    outcome.updated_at = utcnow()
    _apply_grade(outcome, rubric or current_rubric(session))
    session.add(OutcomeVersion(outcome=outcome, number=outcome.version, snapshot=snapshot(outcome),
                               author=author, reason=reason, created_at=outcome.updated_at))
    session.flush()
    return True


def restore_version(session: Session, outcome: Outcome, number: int, author: str, reason: str = "") -> bool:
    """Make an earlier version current again, as a new version (history is never rewritten)."""
    old = get_version(session, outcome, number)
    values = {name: old.snapshot.get(name) for name in (*EDITABLE_FIELDS, "field_source", "field_confidence")}
    if session.get(Organization, values["owner_id"]) is None:
        raise ValidationError([{"field": "owner_id", "message": "该版本的所属机构已删除 / that version's owner no longer exists"}])
    if values["code"] != outcome.code and session.scalar(select(Outcome.id).where(Outcome.code == values["code"])):
        raise ValidationError([{"field": "code", "message": f"编号“{values['code']}”已被其他成果使用 / code now used by another outcome"}])
    return apply_changes(session, outcome, values, author, reason or f"恢复到第{number}版 / restored version {number}")


def get_version(session: Session, outcome: Outcome, number: int) -> OutcomeVersion:
    version = session.scalar(select(OutcomeVersion).where(
        OutcomeVersion.outcome_id == outcome.id, OutcomeVersion.number == number))
    if version is None:
        raise NotFound(f"outcome {outcome.id} has no version {number} / 无此版本")
    return version


def list_versions(session: Session, outcome: Outcome) -> list[OutcomeVersion]:
    return list(session.scalars(select(OutcomeVersion).where(OutcomeVersion.outcome_id == outcome.id)
                                .order_by(OutcomeVersion.number.desc())))


def diff_snapshots(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict]:
    """Field-by-field differences, in the order fields are shown."""
    names = [*EDITABLE_FIELDS, "field_source"]
    return [{"field": name, "before": before.get(name), "after": after.get(name)}
            for name in names if before.get(name) != after.get(name)]


def delete_outcome(session: Session, outcome: Outcome) -> None:
    session.delete(outcome)
    session.flush()

