"""What a person may do with needs, checked and audited (the pattern of library/actions.py).

Posting a need speaks for an organization: its members, operators and tech-transfer office
may post and edit its needs; administrators any. Reading needs is open to everyone.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import Viewer, require_signed_in
from medbridge.errors import Forbidden
from medbridge.needs import service
from medbridge.needs.models import Need


def can_post(viewer: Viewer, owner_id: int | None) -> bool:
    return viewer.is_admin or (owner_id is not None and owner_id in viewer.organizations)


def may_post_any(viewer: Viewer) -> bool:
    return viewer.is_admin or bool(viewer.organizations)


def require_post(viewer: Viewer, owner_id: int | None) -> None:
    require_signed_in(viewer)
    if not can_post(viewer, owner_id):
        raise Forbidden("只有该机构的成员或管理员可以发布和修改其需求 / only the organization's own members "
                        "or an administrator may post or change its needs")


def create(session: Session, viewer: Viewer, data: Mapping[str, Any]) -> Need:
    require_signed_in(viewer)
    clean = service.prepare_new_need(session, data)
    require_post(viewer, clean["owner_id"])
    need = service.insert_need(session, clean, viewer.username)
    audit.record(session, viewer, "need.create", "need", need.id, code=need.code)
    return need


def update(session: Session, viewer: Viewer, need: Need, changes: Mapping[str, Any]) -> list[str]:
    require_post(viewer, need.owner_id)
    clean = service.prepare_need_changes(session, need, changes)
    if "owner_id" in clean and clean["owner_id"] != need.owner_id:
        require_post(viewer, clean["owner_id"])
    changed = service.apply_need_changes(session, need, clean)
    if changed:
        audit.record(session, viewer, "need.update", "need", need.id, fields=changed)
    return changed


def delete(session: Session, viewer: Viewer, need: Need) -> None:
    require_post(viewer, need.owner_id)
    audit.record(session, viewer, "need.delete", "need", need.id, code=need.code, title=need.title)
    service.delete_need(session, need)


def require_may_import(viewer: Viewer) -> None:
    """Importing is for people who may post a need somewhere (each row is checked on its own)."""
    require_signed_in(viewer)
    if not may_post_any(viewer):
        raise Forbidden("只有机构成员或管理员可以导入需求 / only members of an organization or an "
                        "administrator may import needs")


def import_sheet(session: Session, viewer: Viewer, filename: str, content: bytes, dry_run: bool,
                 max_bytes: int, max_rows: int):
    from medbridge.needs.spreadsheet import import_needs

    require_may_import(viewer)
    report = import_needs(session, filename, content, viewer, dry_run=dry_run, max_bytes=max_bytes,
                          max_rows=max_rows)
    if report.ok and not dry_run:
        audit.record(session, viewer, "need.import", "import", None, filename=filename[:200],
                     created=report.created, updated=report.updated)
    return report


def export(session: Session, viewer: Viewer, filters: service.NeedFilters, fmt: str, lang: str = "zh",
           client: str = "") -> bytes:
    """The filtered list as a sheet (needs are public to read), recorded like outcome exports."""
    from medbridge.needs.spreadsheet import export_needs

    content = export_needs(session, filters, fmt, lang)
    audit.record(session, viewer, "need.export", "export", None, client=client, format=fmt,
                 filters={k: v for k, v in vars(filters).items() if v not in ("", None) and k not in ("page", "per_page")})
    return content
