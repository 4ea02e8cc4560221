"""The audit trail: every change, grant, view of confidential detail, export and login."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medbridge.accounts.models import AuditEvent
from medbridge.accounts.policy import Viewer


def record(session: Session, viewer: Viewer, action: str, target_type: str = "", target_id: int | None = None,
           client: str = "", **detail) -> AuditEvent:
    event = AuditEvent(user_id=viewer.user_id, username=viewer.username or "anonymous", action=action,
                       target_type=target_type, target_id=target_id, detail=detail, client=client[:64])
    session.add(event)
    return event


def list_events(session: Session, action: str = "", username: str = "", target_type: str = "",
                target_id: int | None = None, since: datetime | None = None, until: datetime | None = None,
                page: int = 1, per_page: int = 50) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if username:
        query = query.where(AuditEvent.username == username)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                           .offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def events_csv(events: list[AuditEvent]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["at", "username", "action", "target_type", "target_id", "detail", "client"])
    for e in events:
        writer.writerow([e.at.isoformat(sep=" ", timespec="seconds"), e.username, e.action, e.target_type,
                         e.target_id if e.target_id is not None else "", e.detail, e.client])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
