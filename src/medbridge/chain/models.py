from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medbridge.db.base import Base, utcnow
from medbridge.registry.models import Organization

PLACEMENT_STATUSES = ("suggested", "confirmed", "rejected")


class ChainTaxonomy(Base):
    """One version of the chain taxonomy (chains → segments, metrics); the newest is in force."""

    __tablename__ = "chain_taxonomy"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    data: Mapped[dict] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ChainPlacement(Base):
    """An organization placed in one segment of one chain: suggested by the rules (with a
    confidence and the reasons), then confirmed or rejected by a person."""

    __tablename__ = "chain_placement"
    __table_args__ = (UniqueConstraint("organization_id", "chain_key", "segment_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    chain_key: Mapped[str] = mapped_column(String(32), index=True)
    segment_key: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="suggested", index=True)
    # "rules" (suggested by medbridge.chain.placement) or "manual" (a person placed it).
    source: Mapped[str] = mapped_column(String(16), default="rules")
    confidence: Mapped[Optional[float]] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(500), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")


class ParkTenant(Base):
    """An organization that sits in a park (入驻园区); one park per organization."""

    __tablename__ = "park_tenant"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), unique=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id], lazy="joined")
    park: Mapped[Organization] = relationship(foreign_keys=[park_id], lazy="joined")


class ClusterFigure(Base):
    """A count or amount about a cluster (企业数, 产值, 上市企业数…) for a region, a park or one
    organization, in a period, with where it came from: typed in by hand, or read from an
    article (its id or address and the sentence quoted)."""

    __tablename__ = "cluster_figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(64), default="", index=True)
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"),
                                                           index=True)
    chain_key: Mapped[str] = mapped_column(String(32), default="")
    metric: Mapped[str] = mapped_column(String(32), index=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16), default="")
    period: Mapped[str] = mapped_column(String(16))            # "2023", "2024-06"
    source_kind: Mapped[str] = mapped_column(String(16), default="manual")   # manual | article
    article_id: Mapped[Optional[int]] = mapped_column(Integer)  # the news module's article, when there is one
    source_url: Mapped[str] = mapped_column(String(500), default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    author: Mapped[str] = mapped_column(String(100), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organization: Mapped[Optional[Organization]] = relationship(lazy="joined")
