"""What an analyst does with extracted facts, checked and audited.

Confirming an organization creates it in the registry or links it to an existing one,
adding the names the article used as aliases; the mention keeps article and spans, so the
registry can always say where a fact came from.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import Viewer, require_analyst
from medbridge.db.base import utcnow
from medbridge.errors import NotFound, ValidationError
from medbridge.news.models import NewsEvent, NewsMention
from medbridge.registry import service as registry
from medbridge.registry.models import Organization, OrganizationAlias

MENTION_ACTIONS = ("confirm", "correct", "reject", "link")
EVENT_ACTIONS = ("confirm", "reject")


def get_mention(session: Session, mention_id: int) -> NewsMention:
    mention = session.get(NewsMention, mention_id)
    if mention is None:
        raise NotFound(f"mention {mention_id} not found / 抽取结果不存在")
    return mention


def get_event(session: Session, event_id: int) -> NewsEvent:
    event = session.get(NewsEvent, event_id)
    if event is None:
        raise NotFound(f"event {event_id} not found / 事件不存在")
    return event


def review_mention(session: Session, viewer: Viewer, mention_id: int, action: str, *, name: str = "",
                   kind: str = "", organization: str | int | None = None) -> NewsMention:
    """confirm | correct (new name/kind, then confirm) | reject | link (to an existing organization)."""
    require_analyst(viewer)
    mention = get_mention(session, mention_id)
    if action not in MENTION_ACTIONS:
        raise ValidationError([{"field": "action", "message": f"未知操作 / unknown action; one of {', '.join(MENTION_ACTIONS)}"}])
    if action != "reject" and mention.kind != "organization":
        raise ValidationError([{"field": "action", "message": "只有机构可以确认进入名录 / only organizations go to the registry; reject or leave others"}])
    before = {"name": mention.name, "kind": mention.entity_kind, "status": mention.status}
    if action == "reject":
        mention.status = "rejected"
    elif action == "link":
        target = registry.find_organization(session, organization) if organization not in (None, "") else None
        if target is None:
            raise ValidationError([{"field": "organization", "message": "找不到该机构 / no such organization"}])
        _confirm_into(session, mention, target)
    else:
        if action == "correct":
            _apply_correction(mention, name, kind)
        target = session.get(Organization, mention.organization_id) if mention.organization_id else None
        target = target or registry.find_organization(session, mention.name)
        if target is None:
            target = registry.create_organization(session, mention.name, mention.entity_kind,
                                                  aliases=_free_aliases(session, mention.aliases, mention.name),
                                                  description=f"来自新闻 / from news article {mention.article_id}")
        _confirm_into(session, mention, target)
    mention.reviewed_by, mention.reviewed_at = viewer.username, utcnow()
    audit.record(session, viewer, f"news.mention.{action}", "news_mention", mention.id, article=mention.article_id,
                 before=before, organization=mention.organization_id, spans=mention.spans)
    session.flush()
    return mention


def _apply_correction(mention: NewsMention, name: str, kind: str) -> None:
    from medbridge.library.taxonomy import get_taxonomy

    name = (name or "").strip()
    errors = []
    if not name and not kind:
        errors.append({"field": "name", "message": "请给出更正后的名称或类型 / give the corrected name or kind"})
    kind_key = get_taxonomy().organization_kinds.resolve(kind) if kind else mention.entity_kind
    if kind and kind_key is None:
        errors.append({"field": "kind", "message": f"未知机构类型“{kind}” / unknown kind"})
    if len(name) > 200:
        errors.append({"field": "name", "message": "过长 / too long (max 200)"})
    if errors:
        raise ValidationError(errors)
    if name and name != mention.name:
        mention.aliases = [a for a in [*mention.aliases, mention.name] if a != name]
        mention.name = name
    mention.entity_kind = kind_key


def _free_aliases(session: Session, aliases: list[str], name: str) -> list[str]:
    """Aliases no other organization already uses (an alias names exactly one)."""
    return [a for a in dict.fromkeys(aliases) if a != name and registry.find_organization(session, a) is None]


def _confirm_into(session: Session, mention: NewsMention, target: Organization) -> None:
    """Link the mention to `target` and teach the registry the names the article used."""
    mention.organization_id = target.id
    mention.candidate_id = None
    mention.status = "confirmed"
    known = {target.name, *target.alias_names}
    for alias in _free_aliases(session, [mention.name, *mention.aliases], target.name):
        if alias not in known:
            target.aliases.append(OrganizationAlias(alias=alias))
            known.add(alias)


def review_event(session: Session, viewer: Viewer, event_id: int, action: str) -> NewsEvent:
    require_analyst(viewer)
    event = get_event(session, event_id)
    if action not in EVENT_ACTIONS:
        raise ValidationError([{"field": "action", "message": f"未知操作 / unknown action; one of {', '.join(EVENT_ACTIONS)}"}])
    event.status = "confirmed" if action == "confirm" else "rejected"
    event.reviewed_by, event.reviewed_at = viewer.username, utcnow()
    audit.record(session, viewer, f"news.event.{action}", "news_event", event.id, article=event.article_id,
                 type=event.type, span=[event.start, event.end])
    session.flush()
    return event
