"""/api/news: ingested articles, their extractions, and the analyst's review of them.

Reading and reviewing are for analysts and administrators (policy.require_analyst); every
review is audited, and a confirmed organization keeps its provenance (article, spans).
"""

from __future__ import annotations

from datetime import date

Day = date   # `date` is also a field name below
from typing import Literal, Optional

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from medbridge.accounts import audit
from medbridge.accounts.policy import require_analyst
from medbridge.api import schemas
from medbridge.api.deps import Auth, SessionDep, SignedInDep, WriterDep
from medbridge.api.params import Id, PageNumber, QueryChecks
from medbridge.api.schemas import INVALID_INPUT, Input, UtcDateTime
from medbridge.news import review, service
from medbridge.news.models import NewsArticle, NewsEvent, NewsMention
from medbridge.registry.service import get_organization
from medbridge.text.reading import RawArticle

router = APIRouter(prefix="/api/news", tags=["news 新闻情报"], responses=INVALID_INPUT, dependencies=QueryChecks)

ANALYSTS_ONLY = {401: {"model": schemas.ErrorResponse, "description": "not signed in"},
                 403: {"model": schemas.ErrorResponse, "description": "analysts and administrators only"}}
NOT_FOUND = {404: {"model": schemas.ErrorResponse, "description": "no such row"}}
SortKey = Literal[tuple(f"{sign}{key}" for key in service.ARTICLE_SORTS for sign in ("", "-"))]


class MentionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    name: str
    entity_kind: str
    aliases: list[str]
    detail: dict
    spans: list[list[int]]
    status: str
    organization_id: Optional[int]
    candidate_id: Optional[int]
    link_method: str
    confidence: float
    reviewed_by: str
    reviewed_at: Optional[UtcDateTime]


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    type: str
    participants: list[str]
    event_date: Optional[date]
    evidence: str
    detail: dict
    start: int
    end: int
    status: str
    reviewed_by: str


class ArticleSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    published_on: Optional[date]
    source: str
    reporter: str
    origin: str
    ingested_at: UtcDateTime
    is_demo: bool
    open_reviews: int = 0


class ArticleOut(ArticleSummary):
    encoding: str
    original_text: str
    clean_text: str
    mentions: list[MentionOut]
    events: list[EventOut]


class ArticlePage(schemas.Page):
    items: list[ArticleSummary]


class ArticleIn(Input):
    text: str = Field(min_length=20, max_length=2_000_000, pattern=r"\S")
    title: str = Field("", max_length=300)
    date: Optional[Day] = None
    source: str = Field("", max_length=200)


class MentionReviewIn(Input):
    action: Literal["confirm", "correct", "reject", "link"]
    name: str = Field("", max_length=200)
    kind: str = Field("", max_length=32)
    organization: str = Field("", max_length=200, description="id, name or alias of the organization to link to")


class EventReviewIn(Input):
    action: Literal["confirm", "reject"]


class ProvenanceOut(BaseModel):
    mention_id: int
    article_id: int
    article_title: str
    name: str
    spans: list[list[int]]
    reviewed_by: str
    reviewed_at: Optional[UtcDateTime]


def _summary(article: NewsArticle, open_reviews: int = 0) -> dict:
    return {**{k: getattr(article, k) for k in ArticleSummary.model_fields if k != "open_reviews"},
            "open_reviews": open_reviews}


def _detail(article: NewsArticle) -> dict:
    open_reviews = sum(m.kind == "organization" and m.status in ("proposed", "linked") for m in article.mentions)
    return {**_summary(article, open_reviews), "encoding": article.encoding, "original_text": article.original_text,
            "clean_text": article.clean_text, "mentions": article.mentions, "events": article.events}


@router.get("/articles", response_model=ArticlePage, summary="Ingested articles 新闻文章", responses=ANALYSTS_ONLY)
def list_articles(q: str = Query("", max_length=200), status: Literal["", "open"] = "",
                  sort: SortKey = "-published_on", page: PageNumber = 1, per_page: int = Query(20, ge=1, le=200),
                  session: Session = SessionDep, auth: Auth = SignedInDep):
    require_analyst(auth.viewer)
    items, total = service.list_articles(session, q=q, status=status, sort=sort, page=page, per_page=per_page)
    counts = service.open_counts(session, [a.id for a in items])
    return {"items": [_summary(a, counts.get(a.id, 0)) for a in items], "total": total, "page": page,
            "per_page": per_page, "pages": max(1, -(-total // per_page))}


@router.post("/articles", response_model=ArticleOut, status_code=201, summary="Ingest one article 导入文章",
             responses={**ANALYSTS_ONLY, 200: {"model": ArticleOut, "description": "already ingested (same text)"}})
def ingest_article(body: ArticleIn, session: Session = SessionDep, auth: Auth = WriterDep):
    require_analyst(auth.viewer)
    raw = RawArticle(body.text, "api", title=body.title, date=body.date, source=body.source)
    article, created = service.store_article(session, raw)
    if created:
        audit.record(session, auth.viewer, "news.article.ingest", "news_article", article.id, title=article.title)
    data = ArticleOut.model_validate(_detail(article)).model_dump(mode="json")
    return JSONResponse(data, status_code=201 if created else 200)


@router.get("/articles/{article_id}", response_model=ArticleOut, summary="One article with its extractions",
            responses={**ANALYSTS_ONLY, **NOT_FOUND})
def get_article(article_id: Id, session: Session = SessionDep, auth: Auth = SignedInDep):
    require_analyst(auth.viewer)
    return _detail(service.get_article(session, article_id))


@router.post("/mentions/{mention_id}/review", response_model=MentionOut,
             summary="Confirm, correct, reject or link an extracted organization 审核", responses={**ANALYSTS_ONLY, **NOT_FOUND})
def review_mention(mention_id: Id, body: MentionReviewIn, session: Session = SessionDep, auth: Auth = WriterDep):
    return review.review_mention(session, auth.viewer, mention_id, body.action, name=body.name, kind=body.kind,
                                 organization=body.organization or None)


@router.post("/events/{event_id}/review", response_model=EventOut, summary="Confirm or reject an event 审核事件",
             responses={**ANALYSTS_ONLY, **NOT_FOUND})
def review_event(event_id: Id, body: EventReviewIn, session: Session = SessionDep, auth: Auth = WriterDep):
    return review.review_event(session, auth.viewer, event_id, body.action)


@router.get("/organizations/{organization_id}/provenance", response_model=list[ProvenanceOut],
            summary="Articles behind a registry organization 来源", responses={**ANALYSTS_ONLY, **NOT_FOUND})
def organization_provenance(organization_id: Id, session: Session = SessionDep, auth: Auth = SignedInDep):
    require_analyst(auth.viewer)
    get_organization(session, organization_id)
    return [{"mention_id": m.id, "article_id": m.article_id, "article_title": m.article.title, "name": m.name,
             "spans": m.spans, "reviewed_by": m.reviewed_by, "reviewed_at": m.reviewed_at}
            for m in service.provenance(session, organization_id)]
