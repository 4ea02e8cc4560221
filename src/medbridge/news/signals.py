"""Recent news about registry organizations, as signals for ranking attraction targets.

An event counts for an organization when one of its participants is a mention, in the same
article, that is linked to the organization (by the linker or by an analyst) and was not
rejected; a rejected event counts for nobody. Its date is the event's own, else the
article's, else when the article was ingested.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from medbridge.chain.targets import EventSignal
from medbridge.news.models import NewsArticle, NewsEvent, NewsMention

BATCH = 1000


def recent_events(session: Session, organization_ids: list[int], since: datetime) -> list[EventSignal]:
    signals: dict[tuple[int, int], EventSignal] = {}
    for start in range(0, len(organization_ids), BATCH):
        batch = organization_ids[start:start + BATCH]
        rows = session.execute(
            select(NewsMention.organization_id, NewsMention.name, NewsMention.aliases, NewsEvent.id,
                   NewsEvent.type, NewsEvent.participants, NewsEvent.event_date, NewsArticle.title,
                   NewsArticle.published_on, NewsArticle.ingested_at, NewsArticle.origin)
            .join(NewsEvent, NewsEvent.article_id == NewsMention.article_id)
            .join(NewsArticle, NewsArticle.id == NewsMention.article_id)
            .where(NewsMention.organization_id.in_(batch), NewsMention.kind == "organization",
                   NewsMention.status != "rejected", NewsEvent.status != "rejected"))
        for org_id, name, aliases, event_id, kind, participants, on, title, published, ingested, origin in rows:
            if not {name, *(aliases or ())} & set(participants or ()):
                continue
            day = on or published
            at = datetime.combine(day, time()) if day else ingested
            if at >= since:
                signals[(org_id, event_id)] = EventSignal(org_id, kind, title or kind, at,
                                                          origin if origin.startswith("http") else "")
    return list(signals.values())
