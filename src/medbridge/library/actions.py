"""What a person may do to the library, checked and audited.

The API and the pages call these, never the storage-level writes in service.py directly, so
the access rule and the audit entry of each action live in exactly one place.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import (
    Level, Viewer, require_admin, require_manage, require_signed_in, require_some_office, require_visible,
)
from medbridge.library import service
from medbridge.library.models import Outcome, OutcomeVersion, Rubric
from medbridge.errors import Forbidden


def view(session: Session, viewer: Viewer, outcome_id: int, client: str = "") -> tuple[Outcome, Level]:
    """An outcome and how much of it this person sees; reading restricted detail is audited."""
    outcome = service.get_outcome(session, outcome_id)
    level = require_visible(viewer, outcome)
    if level == "full" and outcome.confidentiality != "public":
        audit.record(session, viewer, "outcome.view_detail", "outcome", outcome.id, client=client,
                     confidentiality=outcome.confidentiality)
    return outcome, level


def require_detail(session: Session, viewer: Viewer, outcome_id: int) -> Outcome:
    """The outcome, if this person may read its detail (history, diffs, versions)."""
    outcome = service.get_outcome(session, outcome_id)
    if require_visible(viewer, outcome) != "full":
        raise Forbidden("需申请查看详情 / the detail needs an access grant", status=401 if viewer.is_anonymous else 403)
    return outcome


def create(session: Session, viewer: Viewer, data: Mapping[str, Any], reason: str = "") -> Outcome:
    require_signed_in(viewer)
    clean = service.prepare_new_outcome(session, data)
    require_manage(viewer, clean["owner_id"])
    outcome = service.insert_outcome(session, clean, viewer.username, reason or "新建 / created")
    audit.record(session, viewer, "outcome.create", "outcome", outcome.id, code=outcome.code)
    return outcome


def update(session: Session, viewer: Viewer, outcome: Outcome, changes: Mapping[str, Any], reason: str = "") -> bool:
    require_manage(viewer, outcome.owner_id)
    clean = service.prepare_changes(session, outcome, changes)
    if "owner_id" in clean and clean["owner_id"] != outcome.owner_id:
        require_manage(viewer, clean["owner_id"])  # handing it over needs authority on both sides
    changed_fields = sorted(name for name, value in clean.items() if getattr(outcome, name) != value)
    changed = service.apply_changes(session, outcome, clean, viewer.username, reason or "编辑 / edited")
    if changed:
        audit.record(session, viewer, "outcome.update", "outcome", outcome.id, version=outcome.version,
                     fields=changed_fields)
    return changed


def restore(session: Session, viewer: Viewer, outcome: Outcome, number: int, reason: str = "") -> bool:
    require_manage(viewer, outcome.owner_id)
    # An old version may name another owner: bringing it back hands the outcome over.
    require_manage(viewer, service.get_version(session, outcome, number).snapshot.get("owner_id"))
    changed = service.restore_version(session, outcome, number, viewer.username, reason)
    if changed:
        audit.record(session, viewer, "outcome.restore", "outcome", outcome.id, restored=number,
                     version=outcome.version)
    return changed


def delete(session: Session, viewer: Viewer, outcome: Outcome) -> None:
    require_manage(viewer, outcome.owner_id)
    audit.record(session, viewer, "outcome.delete", "outcome", outcome.id, code=outcome.code, title=outcome.title)
    service.delete_outcome(session, outcome)


def regrade(session: Session, viewer: Viewer, outcome: Outcome) -> None:
    require_manage(viewer, outcome.owner_id)
    service.regrade(session, outcome)


def save_rubric(session: Session, viewer: Viewer, data: Mapping[str, Any], reason: str = "") -> tuple[Rubric, int]:
    require_admin(viewer)
    rubric, regraded = service.save_rubric(session, data, viewer.username, reason)
    audit.record(session, viewer, "rubric.save", "rubric", rubric.version, regraded=regraded)
    return rubric, regraded


def versions(session: Session, viewer: Viewer, outcome_id: int) -> tuple[Outcome, list[OutcomeVersion]]:
    outcome = require_detail(session, viewer, outcome_id)
    return outcome, service.list_versions(session, outcome)


def import_sheet(session: Session, viewer: Viewer, filename: str, content: bytes, dry_run: bool,
                 max_bytes: int, max_rows: int):
    """Import a sheet; each row's owner must be an organization this person manages."""
    from medbridge.library.spreadsheet import import_outcomes

    require_some_office(viewer)
    report = import_outcomes(session, filename, content, author=viewer.username, dry_run=dry_run,
                             max_bytes=max_bytes, max_rows=max_rows, viewer=viewer)
    if report.ok and not dry_run:
        audit.record(session, viewer, "outcome.import", "import", None, filename=filename[:200],
                     created=report.created, updated=report.updated)
    return report


def export(session: Session, viewer: Viewer, filters: service.OutcomeFilters, fmt: str, lang: str = "zh",
           client: str = "") -> bytes:
    from medbridge.library.spreadsheet import export_outcomes

    content = export_outcomes(session, filters, fmt, viewer, lang)
    audit.record(session, viewer, "outcome.export", "export", None, client=client, format=fmt,
                 filters={k: v for k, v in vars(filters).items() if v not in ("", None) and k not in ("page", "per_page")})
    return content
