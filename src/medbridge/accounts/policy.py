"""Who may see and change what. Every path that shows or changes outcomes asks here.

Confidentiality of an outcome:
- public: everyone sees everything;
- summary: everyone sees the summary fields (title, code, owner, field, kind, stage, grade);
  the detail only its owner's tech-transfer office, admins and those granted access;
- confidential: only the owner's office, admins and those granted access see it at all;
  to everyone else it does not exist (not in lists, counts, search or exports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import false, or_, true

from medbridge.errors import Forbidden, NotFound
from medbridge.library.models import Outcome

Level = Literal["full", "summary", "hidden"]

# What a person without access to the detail still sees of a summary-only outcome.
SUMMARY_FIELDS = ("id", "code", "title", "owner_id", "owner", "field", "kind", "stage", "grade", "score",
                  "confidentiality", "version", "updated_at", "created_at", "is_demo")


@dataclass(frozen=True)
class Viewer:
    """The person behind a request, with the roles and grants that decide what they see."""

    user_id: int | None
    username: str
    roles: frozenset[tuple[str, int | None]] = frozenset()
    granted_outcomes: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.is_admin

    @property
    def is_admin(self) -> bool:
        return ("admin", None) in self.roles

    def has_role(self, role: str) -> bool:
        return any(r == role for r, _ in self.roles)

    @property
    def managed_organizations(self) -> frozenset[int]:
        """Organizations whose outcomes this person's office manages."""
        return frozenset(org for role, org in self.roles if role == "tto" and org is not None)

    @property
    def organizations(self) -> frozenset[int]:
        return frozenset(org for _, org in self.roles if org is not None)


ANONYMOUS = Viewer(user_id=None, username="")
# The command line runs with the database's own authority, as an administrator would.
COMMAND_LINE = Viewer(user_id=None, username="cli", roles=frozenset({("admin", None)}))


def can_manage(viewer: Viewer, owner_id: int | None) -> bool:
    return viewer.is_admin or (owner_id is not None and owner_id in viewer.managed_organizations)


def detail_level(viewer: Viewer, outcome: Outcome) -> Level:
    if outcome.confidentiality == "public" or can_manage(viewer, outcome.owner_id) \
            or outcome.id in viewer.granted_outcomes:
        return "full"
    return "summary" if outcome.confidentiality == "summary" else "hidden"


def visible_condition(viewer: Viewer):
    """SQL condition: the outcomes this person may know exist."""
    if viewer.is_admin:
        return true()
    return or_(Outcome.confidentiality != "confidential", *_full_access_terms(viewer))


def full_detail_condition(viewer: Viewer):
    """SQL condition: the outcomes whose detail this person may read (for searching the detail)."""
    if viewer.is_admin:
        return true()
    return or_(Outcome.confidentiality == "public", *_full_access_terms(viewer))


def _full_access_terms(viewer: Viewer) -> list:
    terms = []
    if viewer.managed_organizations:
        terms.append(Outcome.owner_id.in_(viewer.managed_organizations))
    if viewer.granted_outcomes:
        terms.append(Outcome.id.in_(viewer.granted_outcomes))
    return terms or [false()]


def require_visible(viewer: Viewer, outcome: Outcome) -> Level:
    """The level this person sees the outcome at; a hidden one is 'not found', not 'forbidden',
    so that its existence does not leak."""
    level = detail_level(viewer, outcome)
    if level == "hidden":
        raise NotFound(f"outcome {outcome.id} not found / 成果不存在")
    return level


def require_manage(viewer: Viewer, owner_id: int | None) -> None:
    if viewer.is_anonymous:
        raise Forbidden("请先登录 / please sign in", status=401)
    if not can_manage(viewer, owner_id):
        raise Forbidden("只有该机构的成果转化办公室或管理员可以这样做 / only the owner's tech-transfer "
                        "office or an administrator may do this")


def require_admin(viewer: Viewer) -> None:
    if viewer.is_anonymous:
        raise Forbidden("请先登录 / please sign in", status=401)
    if not viewer.is_admin:
        raise Forbidden("只有管理员可以这样做 / administrators only")


def manages_any(viewer: Viewer) -> bool:
    """Whether this person manages the outcomes of some organization (may create and import)."""
    return viewer.is_admin or bool(viewer.managed_organizations)


def require_some_office(viewer: Viewer) -> None:
    """For what only an administrator or a tech-transfer office does: new outcomes, imports."""
    require_signed_in(viewer)
    if not manages_any(viewer):
        raise Forbidden("只有成果转化办公室或管理员可以这样做 / only a tech-transfer office or an "
                        "administrator may do this")


def require_signed_in(viewer: Viewer) -> None:
    if viewer.is_anonymous:
        raise Forbidden("请先登录 / please sign in", status=401)


def can_review_news(viewer: Viewer) -> bool:
    return viewer.is_admin or viewer.has_role("analyst")


def require_analyst(viewer: Viewer) -> None:
    """News intelligence (articles, extractions, their review) is for analysts and administrators."""
    require_signed_in(viewer)
    if not can_review_news(viewer):
        raise Forbidden("只有分析员或管理员可以这样做 / analysts and administrators only")
