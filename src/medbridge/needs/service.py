"""Needs (需求): validation, storage and listing. Checked writes are in needs/actions.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from medbridge.db.base import utcnow
from medbridge.errors import NotFound, ValidationError
from medbridge.library.fields import _code, _owner, _terms, _text, split_list
from medbridge.library.service import MAX_PER_PAGE, paging_errors, resolve_owner  # noqa: F401  (the API bounds per_page with it)
from medbridge.library.taxonomy import Vocabulary
from medbridge.needs.models import Need

NEED_KINDS = Vocabulary("need_kinds", [
    {"key": "tech_need", "zh": "技术需求", "en": "Technology need"},
    {"key": "clinical_problem", "zh": "临床问题", "en": "Clinical problem"},
    {"key": "investment_thesis", "zh": "投资方向", "en": "Investment thesis"},
    {"key": "incubator_call", "zh": "孵化/园区招募", "en": "Incubator or park call"},
])
NEED_STATUSES = Vocabulary("need_statuses", [
    {"key": "open", "zh": "征集中", "en": "Open"},
    {"key": "matched", "zh": "已对接", "en": "Matched"},
    {"key": "closed", "zh": "已关闭", "en": "Closed"},
])

NEED_FIELDS = ("code", "kind", "title", "description", "owner_id", "fields", "stages", "segments", "keywords",
               "ticket_min", "ticket_max", "region", "status", "contact")
REQUIRED = ("kind", "title", "owner_id")
FIELD_LABELS = {
    "code": ("编号", "Code"), "kind": ("需求类型", "Kind"), "title": ("标题", "Title"),
    "description": ("描述", "Description"), "owner_id": ("发布机构", "Organization"),
    "fields": ("关注领域", "Fields"), "stages": ("接受阶段", "Stages"), "segments": ("产业链环节", "Chain segments"),
    "keywords": ("关键词", "Keywords"), "ticket_min": ("投资额下限(万元)", "Ticket from (10k CNY)"),
    "ticket_max": ("投资额上限(万元)", "Ticket up to (10k CNY)"), "region": ("地区", "Region"),
    "status": ("状态", "Status"), "contact": ("联系人", "Contact"),
}
SORTS = {"updated_at": Need.updated_at, "created_at": Need.created_at, "title": Need.title, "code": Need.code}


def _vocabulary_term(vocabulary: Vocabulary) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        key = vocabulary.resolve(text)
        if key is None:
            raise ValueError(f"“{text}”不是可选值（可选：{'、'.join(t.zh for t in vocabulary.terms)}）/ "
                             f"not one of {', '.join(vocabulary.keys)}")
        return key
    return clean


def _amount(value: Any) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().replace(",", "").removesuffix("万元").removesuffix("万")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"“{value}”不是数字（单位：万元）/ not a number (unit: 10k CNY)") from None
    if number < 0 or number != number or number in (float("inf"),):
        raise ValueError("应为非负数 / must be a non-negative number")
    return number


CLEANERS: dict[str, Callable[[Any], Any]] = {
    "code": _code, "kind": _vocabulary_term(NEED_KINDS), "title": _text(300), "description": _text(5000),
    "owner_id": _owner, "fields": _terms("fields"), "stages": _terms("stages"), "segments": _terms("segments"),
    "keywords": lambda v: split_list(v)[:30], "ticket_min": _amount, "ticket_max": _amount,
    "region": _text(64), "status": _vocabulary_term(NEED_STATUSES), "contact": _text(200),
}
DEFAULTS = {"code": "", "description": "", "fields": [], "stages": [], "segments": [], "keywords": [],
            "ticket_min": None, "ticket_max": None, "region": "", "status": "open", "contact": ""}


def clean_need_fields(data: Mapping[str, Any], partial: bool = False) -> tuple[dict, list[dict]]:
    """Clean every given field (and with partial=False demand the required ones); all errors at once."""
    clean, errors = {}, []
    for name in sorted(set(data) - set(NEED_FIELDS)):
        errors.append({"field": name, "message": "未知字段 / unknown field"})
    for name in NEED_FIELDS:
        if name in data:
            try:
                clean[name] = CLEANERS[name](data[name])
            except ValueError as exc:
                errors.append({"field": name, "message": str(exc)})
    if not partial:
        for name, default in DEFAULTS.items():
            clean.setdefault(name, default)
    failed = {e["field"] for e in errors}
    for name in REQUIRED:
        if name not in failed and (name in clean or not partial) and clean.get(name) in (None, ""):
            errors.append({"field": name, "message": "必填 / required"})
    if clean.get("status") == "":
        clean["status"] = "open"
    low, high = clean.get("ticket_min"), clean.get("ticket_max")
    if low is not None and high is not None and low > high:
        errors.append({"field": "ticket_max", "message": "上限不能小于下限 / the upper bound is below the lower"})
    return clean, errors


# --- reading ----------------------------------------------------------------------------

@dataclass
class NeedFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    field: str = ""
    owner_id: int | None = None
    sort: str = "-updated_at"
    page: int = 1
    per_page: int = 20

    def validated(self) -> "NeedFilters":
        errors = paging_errors(self.sort, SORTS, self.page, self.per_page)
        if self.kind and self.kind not in NEED_KINDS:
            errors.append({"field": "kind", "message": f"未知类型 / unknown kind; one of {', '.join(NEED_KINDS.keys)}"})
        if self.status and self.status not in NEED_STATUSES:
            errors.append({"field": "status", "message": f"未知状态 / unknown status; one of {', '.join(NEED_STATUSES.keys)}"})
        if errors:
            raise ValidationError(errors)
        return self


@dataclass
class NeedPage:
    items: list[Need]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def get_need(session: Session, need_id: int) -> Need:
    need = session.get(Need, need_id) if 0 < need_id < 2**63 else None
    if need is None:
        raise NotFound(f"need {need_id} not found / 需求不存在")
    return need


def get_need_by_ref(session: Session, ref: str | int) -> Need:
    text = str(ref).strip()
    need = session.get(Need, int(text)) if text.isdecimal() and int(text) < 2**63 else None
    need = need or session.scalar(select(Need).where(Need.code == text))
    if need is None:
        raise NotFound(f"need {ref} not found / 需求不存在")
    return need


def list_needs(session: Session, filters: NeedFilters) -> NeedPage:
    items = filtered_needs(session, filters)
    start = (filters.page - 1) * filters.per_page
    return NeedPage(items[start:start + filters.per_page], len(items), filters.page, filters.per_page)


def filtered_needs(session: Session, filters: NeedFilters) -> list[Need]:
    """Every need matching the filters, in the filters' order (all pages: what an export holds)."""
    filters.validated()
    query = select(Need)
    if filters.q.strip():
        pattern = f"%{filters.q.strip()}%"
        query = query.where(or_(Need.title.like(pattern), Need.description.like(pattern), Need.code.like(pattern)))
    for name in ("kind", "status"):
        if getattr(filters, name):
            query = query.where(getattr(Need, name) == getattr(filters, name))
    if filters.owner_id:
        query = query.where(Need.owner_id == filters.owner_id)
    items = list(session.scalars(query))
    if filters.field:  # a JSON list: filtered here, the same way on every database
        items = [n for n in items if filters.field in (n.fields or [])]
    column = filters.sort.lstrip("-")
    items.sort(key=lambda n: (getattr(n, column) is None, getattr(n, column) or "", n.id),
               reverse=filters.sort.startswith("-"))
    return items


# --- writing ----------------------------------------------------------------------------

def prepare_new_need(session: Session, data: Mapping[str, Any]) -> dict:
    clean, errors = clean_need_fields(resolve_owner(session, data))
    if clean.get("code") and session.scalar(select(Need.id).where(Need.code == clean["code"])):
        errors.append({"field": "code", "message": f"编号“{clean['code']}”已存在 / code already used"})
    if errors:
        raise ValidationError(errors)
    return clean


def insert_need(session: Session, clean: dict, author: str, is_demo: bool = False) -> Need:
    code = clean.pop("code", "") or ""
    need = Need(**clean, code=code or _provisional_code(), created_by=author, is_demo=is_demo)
    session.add(need)
    session.flush()
    if not code:  # numbered by its id, which exists only now
        need.code = f"XQ-{need.id:06d}"
        session.flush()
    return need


def _provisional_code() -> str:
    import uuid

    return f"tmp-{uuid.uuid4().hex[:16]}"


def create_need(session: Session, data: Mapping[str, Any], author: str, is_demo: bool = False) -> Need:
    return insert_need(session, prepare_new_need(session, data), author, is_demo)


def prepare_need_changes(session: Session, need: Need, changes: Mapping[str, Any]) -> dict:
    clean, errors = clean_need_fields(resolve_owner(session, changes), partial=True)
    if "code" in clean and not clean["code"]:
        errors.append({"field": "code", "message": "必填 / required"})
    if clean.get("code") and clean["code"] != need.code and session.scalar(select(Need.id).where(Need.code == clean["code"])):
        errors.append({"field": "code", "message": f"编号“{clean['code']}”已存在 / code already used"})
    low = clean.get("ticket_min", need.ticket_min)
    high = clean.get("ticket_max", need.ticket_max)
    if low is not None and high is not None and low > high and not any(e["field"] == "ticket_max" for e in errors):
        errors.append({"field": "ticket_max", "message": "上限不能小于下限 / the upper bound is below the lower"})
    if errors:
        raise ValidationError(errors)
    return clean


def apply_need_changes(session: Session, need: Need, clean: Mapping[str, Any]) -> list[str]:
    """Write cleaned values; returns the names of the fields that changed."""
    changed = sorted(name for name, value in clean.items() if getattr(need, name) != value)
    for name in changed:
        setattr(need, name, clean[name])
    if changed:
        need.updated_at = utcnow()
        session.flush()
    return changed


def delete_need(session: Session, need: Need) -> None:
    session.delete(need)
    session.flush()


def count_needs(session: Session) -> int:
    return session.scalar(select(func.count(Need.id)))
