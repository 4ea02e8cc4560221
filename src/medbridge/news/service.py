"""Storing articles and their extractions, and linking mentions to the registry.

Linking never merges silently below AUTO_LINK: an exact name or alias links at once, a name
equal once legal forms are stripped links with 0.9; a name contained in a registry name
(天坛医院 ~ 首都医科大学附属北京天坛医院) is only a *proposed* merge for an analyst.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medbridge.errors import NotFound, ValidationError
from medbridge.extract.organizations import strip_legal_form
from medbridge.extract.pipeline import Extraction, extract
from medbridge.news.models import NewsArticle, NewsEvent, NewsMention
from medbridge.registry.models import Organization, OrganizationAlias
from medbridge.text.reading import RawArticle

AUTO_LINK = 0.9
# How far a name found by each rule is trusted when it proposes a new organization.
FOUND_BY_CONFIDENCE = {"registry": 1.0, "dictionary": 0.95, "short_name": 0.85, "suffix": 0.8, "list": 0.6}
ARTICLE_SORTS = {"published_on": NewsArticle.published_on, "ingested_at": NewsArticle.ingested_at,
                 "title": NewsArticle.title, "id": NewsArticle.id}


def content_hash(text: str) -> str:
    """Same article, same hash: whitespace and Unicode forms do not make a new article."""
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class RegistryIndex:
    """Registry names for linking: exact names/aliases, and names with legal forms stripped."""

    exact: dict[str, tuple[int, str, str]]        # surface → (id, name, kind)
    stripped: dict[str, tuple[int, str, str]]

    @classmethod
    def load(cls, session: Session) -> "RegistryIndex":
        exact, stripped = {}, {}
        rows = session.execute(select(Organization.id, Organization.name, Organization.kind)).all()
        kinds = {oid: (name, kind) for oid, name, kind in rows}
        for oid, name, kind in rows:
            exact[name] = (oid, name, kind)
        for oid, alias in session.execute(select(OrganizationAlias.organization_id, OrganizationAlias.alias)):
            name, kind = kinds[oid]
            exact.setdefault(alias, (oid, name, kind))
        for surface, entry in exact.items():
            stripped.setdefault(strip_legal_form(surface), entry)
        return cls(exact, stripped)

    def gazetteer(self) -> dict[str, tuple[str, str]]:
        """Registry names the extractor should recognise even without a suffix."""
        return {surface: (name, kind) for surface, (_, name, kind) in self.exact.items() if len(surface) >= 3}

    def link(self, name: str, aliases: list[str], kind: str) -> tuple[int | None, str, float]:
        """(organization id, method, confidence) for an extracted organization."""
        for surface in [name, *aliases]:
            if surface in self.exact:
                return self.exact[surface][0], "exact" if surface == name else "alias", 1.0
        for surface in [name, *aliases]:
            key = strip_legal_form(surface)
            if key in self.stripped:
                return self.stripped[key][0], "stripped", 0.9
        best = None
        for surface, (oid, registry_name, registry_kind) in self.exact.items():
            if registry_kind == kind and len(name) >= 4 and (name in surface or surface in name) \
                    and len(surface) >= 4:
                overlap = min(len(name), len(surface)) / max(len(name), len(surface))
                if best is None or overlap > best[1]:
                    best = (oid, overlap)
        if best:
            return best[0], "contained", round(0.5 + 0.3 * best[1], 2)
        return None, "new", 0.0


def _spans(extraction: Extraction, mentions) -> list[list[int]]:
    return [list(extraction.normalized.original_span(m.start, m.end)) for m in mentions]


def store_article(session: Session, raw: RawArticle, *, is_demo: bool = False,
                  index: RegistryIndex | None = None) -> tuple[NewsArticle, bool]:
    """(article, created): an article already stored (same content hash) is returned as is.

    A batch passes one `index` of the registry for all its articles (ingesting creates no
    organizations, so it stays true for the whole batch)."""
    digest = content_hash(raw.text)
    existing = session.scalar(select(NewsArticle).where(NewsArticle.content_hash == digest))
    if existing is not None:
        return existing, False
    index = index or RegistryIndex.load(session)
    extraction = extract(raw.text, title=raw.title, article_date=raw.date, source=raw.source,
                         registry=index.gazetteer())
    normalized = extraction.normalized
    article = NewsArticle(content_hash=digest, title=normalized.title[:300], published_on=normalized.date,
                          source=normalized.source[:200], reporter=normalized.reporter[:100],
                          origin=raw.origin[-500:], encoding=raw.encoding, original_text=raw.text,
                          clean_text=normalized.text, extraction=extraction.as_contract(), is_demo=is_demo)
    session.add(article)
    _add_mentions(article, extraction, index)
    _add_events(article, extraction)
    session.flush()
    return article, True


def _add_mentions(article: NewsArticle, extraction: Extraction, index: RegistryIndex) -> None:
    for org in extraction.organizations:
        spans = _spans(extraction, org.mentions)
        organization_id, method, confidence = index.link(org.name, org.aliases, org.kind)
        found_by = min((m.how for m in org.mentions), key=lambda how: -FOUND_BY_CONFIDENCE[how])
        linked = organization_id is not None and confidence >= AUTO_LINK
        article.mentions.append(NewsMention(
            kind="organization", name=org.name[:200], entity_kind=org.kind, aliases=org.aliases,
            start=spans[0][0], end=spans[0][1], spans=spans,
            status="linked" if linked else "proposed",
            organization_id=organization_id if linked else None,
            candidate_id=organization_id if not linked else None,
            link_method=method,
            confidence=confidence if organization_id else FOUND_BY_CONFIDENCE[found_by],
            detail={"found_by": found_by}))
    people: dict[str, NewsMention] = {}
    for person in extraction.people:
        span = list(extraction.normalized.original_span(person.start, person.end))
        if person.name in people:
            people[person.name].spans = [*people[person.name].spans, span]
            continue
        people[person.name] = NewsMention(kind="person", name=person.name, entity_kind=person.title[:32],
                                          start=span[0], end=span[1], spans=[span],
                                          detail={"title": person.title, "organization": person.organization})
        article.mentions.append(people[person.name])
    for amount in extraction.amounts:
        span = list(extraction.normalized.original_span(amount.start, amount.end))
        article.mentions.append(NewsMention(kind="amount", name=amount.text[:200], entity_kind=amount.unit,
                                            start=span[0], end=span[1], spans=[span], detail=amount.as_dict()))


def _add_events(article: NewsArticle, extraction: Extraction) -> None:
    for event in extraction.events:
        start, end = extraction.normalized.original_span(event.start, event.end)
        data = event.as_dict()
        article.events.append(NewsEvent(type=event.type, participants=event.participants, event_date=event.date,
                                        evidence=event.evidence, detail={k: v for k, v in data.items()
                                                                        if k not in ("type", "participants", "date", "evidence")},
                                        start=start, end=end))


def get_article(session: Session, article_id: int) -> NewsArticle:
    article = session.get(NewsArticle, article_id)
    if article is None:
        raise NotFound(f"article {article_id} not found / 文章不存在")
    return article


def list_articles(session: Session, *, q: str = "", status: str = "", sort: str = "-published_on",
                  page: int = 1, per_page: int = 20) -> tuple[list[NewsArticle], int]:
    """Articles, newest first by default; `status=open` keeps those with facts still to review."""
    query = select(NewsArticle)
    if q.strip():
        like = f"%{q.strip()}%"
        query = query.where(NewsArticle.title.ilike(like) | NewsArticle.source.ilike(like))
    if status == "open":
        open_ids = select(NewsMention.article_id).where(NewsMention.kind == "organization",
                                                         NewsMention.status.in_(("proposed", "linked")))
        query = query.where(NewsArticle.id.in_(open_ids))
    descending = sort.startswith("-")
    column = ARTICLE_SORTS.get(sort.lstrip("-"))
    if column is None:
        raise ValidationError([{"field": "sort", "message": f"未知排序 / unknown sort; one of {', '.join(ARTICLE_SORTS)}"}])
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = column.desc().nulls_last() if descending else column.asc().nulls_last()
    rows = session.scalars(query.order_by(order, NewsArticle.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total


def open_counts(session: Session, article_ids: list[int]) -> dict[int, int]:
    """Organization mentions still waiting for review, per article."""
    if not article_ids:
        return {}
    rows = session.execute(select(NewsMention.article_id, func.count()).where(
        NewsMention.article_id.in_(article_ids), NewsMention.kind == "organization",
        NewsMention.status.in_(("proposed", "linked"))).group_by(NewsMention.article_id))
    return dict(rows.all())


def provenance(session: Session, organization_id: int) -> list[NewsMention]:
    """Confirmed mentions behind a registry organization: which article, where in it."""
    return list(session.scalars(select(NewsMention).where(
        NewsMention.organization_id == organization_id, NewsMention.status == "confirmed")
        .order_by(NewsMention.article_id)))


def load_news_demo(session: Session) -> dict:
    """The fictional demo articles (demo_data/news.json), ingested and marked demo."""
    import json
    from importlib import resources

    from medbridge.text.reading import parse_date

    data = json.loads(resources.files("medbridge").joinpath("demo_data/news.json").read_text(encoding="utf-8"))
    stored, index = 0, RegistryIndex.load(session)
    for number, item in enumerate(data["articles"], start=1):
        raw = RawArticle(item["text"], f"demo:{number}", title=item["title"], date=parse_date(item["date"]),
                         source=item["source"])
        stored += store_article(session, raw, is_demo=True, index=index)[1]
    return {"news_articles": stored}


def remove_news_demo(session: Session) -> int:
    """Delete the demo articles (with their mentions and events); how many went."""
    articles = list(session.scalars(select(NewsArticle).where(NewsArticle.is_demo.is_(True))))
    for article in articles:
        session.delete(article)
    session.flush()
    return len(articles)
