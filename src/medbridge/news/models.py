from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medbridge.db.base import Base, utcnow

# What a reviewer may say about an extracted fact.
REVIEW_STATUSES = ("proposed", "linked", "confirmed", "rejected")
MENTION_KINDS = ("organization", "person", "amount")


class NewsArticle(Base):
    """One ingested article: the original text as read, and what was recovered from it."""

    __tablename__ = "news_article"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    published_on: Mapped[Optional[date]] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(200), default="")
    reporter: Mapped[str] = mapped_column(String(100), default="")
    origin: Mapped[str] = mapped_column(String(500), default="")      # file or JSONL line it came from
    encoding: Mapped[str] = mapped_column(String(20), default="utf-8")
    original_text: Mapped[str] = mapped_column(Text)
    clean_text: Mapped[str] = mapped_column(Text, default="")
    extraction: Mapped[dict] = mapped_column(JSON, default=dict)       # the `extract` contract, as found
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    mentions: Mapped[list["NewsMention"]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="NewsMention.start")
    events: Mapped[list["NewsEvent"]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="NewsEvent.start")


class NewsMention(Base):
    """An organization, person or amount found in an article, with every place it occurs.

    `spans` are [start, end) character offsets into the article's original text: the
    provenance a confirmed fact keeps when it reaches the registry.
    """

    __tablename__ = "news_mention"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("news_article.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))                     # canonical (Simplified, full) name
    entity_kind: Mapped[str] = mapped_column(String(32), default="")   # organization kind, person title, unit
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    start: Mapped[int] = mapped_column(Integer, default=0)
    end: Mapped[int] = mapped_column(Integer, default=0)
    spans: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    candidate_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    link_method: Mapped[str] = mapped_column(String(20), default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    article: Mapped[NewsArticle] = relationship(back_populates="mentions")


class NewsEvent(Base):
    __tablename__ = "news_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("news_article.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    participants: Mapped[list] = mapped_column(JSON, default=list)
    event_date: Mapped[Optional[date]] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    start: Mapped[int] = mapped_column(Integer, default=0)
    end: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    article: Mapped[NewsArticle] = relationship(back_populates="events")
