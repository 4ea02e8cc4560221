from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, desc
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medbridge.db.base import Base, utcnow
from medbridge.registry.models import Organization


class Outcome(Base):
    """A research outcome (成果) as it stands now; every change also leaves an OutcomeVersion."""

    __tablename__ = "outcome"
    # The best graded outcomes of a field, read in order (matching: see matching/match.py).
    __table_args__ = (Index("ix_outcome_field_score", "field", desc("score"), "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The office's own key (e.g. TT-2024-017): what imports match on.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"), index=True)
    inventors: Mapped[list] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    field: Mapped[str] = mapped_column(String(32), index=True)
    # Where the field came from: "manual" (a person chose it) or "suggested" (classifier).
    field_source: Mapped[str] = mapped_column(String(16), default="manual")
    field_confidence: Mapped[Optional[float]] = mapped_column(Float)
    segment: Mapped[str] = mapped_column(String(32), default="")
    stage: Mapped[str] = mapped_column(String(32), index=True)
    trl: Mapped[Optional[int]] = mapped_column(Integer)
    patents: Mapped[list] = mapped_column(JSON, default=list)
    clinical_trial_id: Mapped[str] = mapped_column(String(64), default="")
    regulatory_status: Mapped[str] = mapped_column(String(32), default="none")
    market_size: Mapped[Optional[float]] = mapped_column(Float)  # 亿元 (100 million CNY)
    transfer_modes: Mapped[list] = mapped_column(JSON, default=list)
    confidentiality: Mapped[str] = mapped_column(String(16), default="public", index=True)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    contact: Mapped[str] = mapped_column(String(200), default="")

    score: Mapped[Optional[float]] = mapped_column(Float, index=True)
    grade: Mapped[Optional[str]] = mapped_column(String(2), index=True)
    grade_breakdown: Mapped[list] = mapped_column(JSON, default=list)
    rubric_version: Mapped[Optional[int]] = mapped_column(Integer)

    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    owner: Mapped[Organization] = relationship(lazy="joined")
    versions: Mapped[list["OutcomeVersion"]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="OutcomeVersion.number",
    )


class OutcomeVersion(Base):
    """A full snapshot of an outcome's editable fields after one change."""

    __tablename__ = "outcome_version"
    __table_args__ = (UniqueConstraint("outcome_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    outcome: Mapped[Outcome] = relationship(back_populates="versions")


class Rubric(Base):
    """One version of the grading rubric; the newest row is the one in force."""

    __tablename__ = "rubric"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    data: Mapped[dict] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
