"""Pages of news intelligence: the article list, and one article with its extractions
highlighted in the original text, where an analyst confirms, corrects, rejects or merges.
Every review goes through news.review, which checks the role and writes the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from medbridge.accounts.policy import require_analyst
from medbridge.api.deps import Auth
from medbridge.news import review, service
from medbridge.news.models import NewsArticle, NewsMention
from medbridge.registry.models import Organization
from medbridge.web.common import (FormDep, PageAuthDep, SessionDep, page_number, page_numbers, page_router,
                                  redirect, render, text)

router = page_router()
PER_PAGE = 20
LIST_SORTS = ("-published_on", "published_on", "-ingested_at", "title")


@dataclass
class ArticlePage:
    items: list[NewsArticle]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@router.get("/news")
def news_list(request: Request, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_analyst(auth.viewer)
    params = request.query_params
    q = params.get("q", "")[:200]
    status = "open" if params.get("status") == "open" else ""
    sort = params.get("sort") if params.get("sort") in LIST_SORTS else LIST_SORTS[0]
    number = page_number(params)
    items, total = service.list_articles(session, q=q, status=status, sort=sort, page=number, per_page=PER_PAGE)
    page = ArticlePage(items, total, number, PER_PAGE)

    def query(**overrides) -> str:
        from urllib.parse import urlencode
        values = {"q": q, "status": status, "sort": sort, "page": number, **overrides}
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    return render(request, "news/list.html", {
        "page": page, "page_numbers": page_numbers(page), "query": query, "q": q, "status": status, "sort": sort,
        "sorts": LIST_SORTS, "open_counts": service.open_counts(session, [a.id for a in items]),
    })


def highlighted(article: NewsArticle) -> list[tuple[str, NewsMention | None]]:
    """The original text cut into pieces, each either plain or one occurrence of a mention."""
    marks = sorted(((start, end, m) for m in article.mentions if m.status != "rejected" for start, end in m.spans
                    if 0 <= start < end <= len(article.original_text)), key=lambda x: (x[0], -x[1]))
    pieces, position = [], 0
    for start, end, mention in marks:
        if start < position:
            continue                      # overlapping occurrence: the first one wins
        if start > position:
            pieces.append((article.original_text[position:start], None))
        pieces.append((article.original_text[start:end], mention))
        position = end
    pieces.append((article.original_text[position:], None))
    return pieces


@router.get("/news/{article_id:int}")
def news_detail(request: Request, article_id: int, session: Session = SessionDep, auth: Auth = PageAuthDep):
    require_analyst(auth.viewer)
    article = service.get_article(session, article_id)
    linked_ids = {m.organization_id or m.candidate_id for m in article.mentions} - {None}
    organizations = {o.id: o for o in session.query(Organization).filter(Organization.id.in_(linked_ids))} \
        if linked_ids else {}
    by_kind = {kind: [m for m in article.mentions if m.kind == kind] for kind in ("organization", "person", "amount")}
    return render(request, "news/detail.html", {
        "article": article, "pieces": highlighted(article), "mentions": by_kind, "organizations": organizations,
        "reviewed": request.query_params.get("reviewed") == "1",
    })


@router.post("/news/mentions/{mention_id:int}/review")
def review_mention(request: Request, mention_id: int, form: FormData = FormDep, session: Session = SessionDep,
                   auth: Auth = PageAuthDep):
    mention = review.review_mention(session, auth.viewer, mention_id, text(form, "action", 20),
                                    name=text(form, "name", 300), kind=text(form, "kind", 40),
                                    organization=text(form, "organization", 200) or None)
    return redirect(f"/news/{mention.article_id}?reviewed=1#mention-{mention.id}")


@router.post("/news/events/{event_id:int}/review")
def review_event(request: Request, event_id: int, form: FormData = FormDep, session: Session = SessionDep,
                 auth: Auth = PageAuthDep):
    event = review.review_event(session, auth.viewer, event_id, text(form, "action", 20))
    return redirect(f"/news/{event.article_id}?reviewed=1#event-{event.id}")
