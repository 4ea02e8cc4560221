"""Turning stored rows into what the caller may see: outcomes redacted to their summary fields
when the detail is not theirs to read, access grants with names instead of ids."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.accounts.models import AccessGrant, User
from medbridge.accounts.policy import SUMMARY_FIELDS, Level, Viewer, detail_level
from medbridge.api import schemas
from medbridge.errors import ValidationError
from medbridge.library.models import Outcome

Model = TypeVar("Model", schemas.OutcomeSummary, schemas.OutcomeOut)

# What a redacted outcome keeps: the summary fields (an allow-list, so a detail field added
# later is hidden until someone decides otherwise) and the two fields that say it is redacted.
_KEPT = {*SUMMARY_FIELDS, "detail_level", "detail_hidden"}


def outcome_view(model: type[Model], outcome: Outcome, level: Level) -> Model:
    """The outcome as `model`, with every detail field emptied unless the level is "full"."""
    out = model.model_validate(outcome)
    if level == "full":
        return out
    hidden = {name: None for name in type(out).model_fields if name not in _KEPT}
    return out.model_copy(update={**hidden, "detail_level": "summary", "detail_hidden": True})


def outcome_views(model: type[Model], outcomes: Iterable[Outcome], viewer: Viewer) -> list[Model]:
    return [outcome_view(model, o, detail_level(viewer, o)) for o in outcomes]


def grant_views(session: Session, viewer: Viewer, grants: list[AccessGrant]) -> list[schemas.GrantOut]:
    user_ids = {uid for g in grants for uid in (g.requested_by_id, g.decided_by_id) if uid is not None}
    names = {uid: name for uid, name in session.execute(select(User.id, User.username).where(User.id.in_(user_ids)))}
    outcome_ids = {g.outcome_id for g in grants}
    outcomes = {o.id: o for o in session.scalars(select(Outcome).where(Outcome.id.in_(outcome_ids)))} \
        if outcome_ids else {}
    views = []
    for g in grants:
        outcome = outcomes.get(g.outcome_id)
        # An outcome that became confidential since is named only to those who may still see it.
        shown = outcome is not None and detail_level(viewer, outcome) != "hidden"
        views.append(schemas.GrantOut(
            id=g.id, status=g.status,
            outcome=schemas.OutcomeRef(id=g.outcome_id, code=outcome.code if shown else None,
                                       title=outcome.title if shown else None),
            username=g.user.username if g.user else None,
            organization=schemas.OrganizationRef.model_validate(g.organization) if g.organization else None,
            message=g.message, nda_reference=g.nda_reference, expires_at=g.expires_at,
            requested_by=names.get(g.requested_by_id), decided_by=names.get(g.decided_by_id),
            decision_note=g.decision_note, created_at=g.created_at, decided_at=g.decided_at))
    return views


def naive_utc(value: datetime | None, field: str) -> datetime | None:
    """Times are stored as naive UTC; a time given with an offset is converted, one without is UTC."""
    if value is None or value.tzinfo is None:
        return value
    try:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:
        raise ValidationError([{"field": field, "message": "时间超出范围 / time out of range"}]) from None
