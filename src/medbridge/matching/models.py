from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medbridge.db.base import Base, utcnow

DOC_KINDS = ("outcome", "organization", "need")
# "head": what anyone who may see the document sees (an outcome's summary fields);
# "body": the detail, searchable only by those who may read it (see matching/search.py).
PARTS = ("head", "body")
VERDICTS = ("relevant", "irrelevant", "contacted")
# PostgreSQL: tables holding the entries numbered within so many of the newest, smallest first
# (see SearchEntry).
RECENT = {"search_newest": 131_072, "search_recent": 524_288}


class SearchEntry(Base):
    """Pre-segmented tokens of one part of one document, with the columns filters need.

    The full-text index over `tokens` lives beside it and is created by the migration:
    SQLite: the FTS5 table `search_fts` (kept in step by triggers);
    PostgreSQL: the generated column `tsv` (to_tsvector('simple', tokens)) with a GIN index;
    and the tables of RECENT, (id, tsv) of the entries numbered within so many of the newest
    entry, each with a GIN index of its own: a trigger adds every new entry to each,
    index.insert_entries drops the oldest, deleting an entry deletes it there too. A word in one
    entry in a hundred then costs a search the fetching of its matches among a hundred thousand
    entries, not among all (see search.py).
    """

    __tablename__ = "search_entry"
    __table_args__ = (Index("ix_search_entry_doc", "doc_kind", "doc_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_kind: Mapped[str] = mapped_column(String(16))
    doc_id: Mapped[int] = mapped_column(Integer)
    part: Mapped[str] = mapped_column(String(8))
    tokens: Mapped[str] = mapped_column(Text, default="")
    # Denormalized for filters and facets: outcome kind / organization kind / need kind, etc.
    sub_kind: Mapped[str] = mapped_column(String(32), default="")
    field: Mapped[str] = mapped_column(String(32), default="")
    stage: Mapped[str] = mapped_column(String(32), default="")
    province: Mapped[str] = mapped_column(String(32), default="")
    owner_id: Mapped[Optional[int]] = mapped_column(Integer)


class MatchFeedback(Base):
    """One person's verdict on one match: a need ↔ outcome, or an outcome ↔ organization."""

    __tablename__ = "match_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[Optional[int]] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[Optional[int]] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    # Which side asked: "need" (need → outcomes) or "outcome" (outcome → organizations).
    direction: Mapped[str] = mapped_column(String(8))
    counterparty_kind: Mapped[str] = mapped_column(String(32), default="")
    verdict: Mapped[str] = mapped_column(String(16), index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SearchTerm(Base):
    """How many index entries hold a token (its document frequency), kept in step with
    `search_entry` by matching/index.py. Common words rank little and cost much: knowing
    them lets a query leave them out (see search.py, match.py)."""

    __tablename__ = "search_term"

    term: Mapped[str] = mapped_column(Text, primary_key=True)
    entries: Mapped[int] = mapped_column(Integer)
