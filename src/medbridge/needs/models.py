from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medbridge.db.base import Base, utcnow
from medbridge.registry.models import Organization

# What a need is: an enterprise's technology need, a clinician's unsolved problem, an
# investor's thesis, or an incubator's or park's call for projects. Labels in needs/service.py.
NEED_KINDS = ("tech_need", "clinical_problem", "investment_thesis", "incubator_call")
NEED_STATUSES = ("open", "matched", "closed")


class Need(Base):
    """Demand (需求): what an organization is looking for, matched against outcomes."""

    __tablename__ = "need"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The poster's own key (e.g. XQ-2025-003): what imports match on.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    fields: Mapped[list] = mapped_column(JSON, default=list)      # field keys of the taxonomy
    stages: Mapped[list] = mapped_column(JSON, default=list)      # acceptable stages
    segments: Mapped[list] = mapped_column(JSON, default=list)    # chain segments
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    ticket_min: Mapped[Optional[float]] = mapped_column(Float)    # 万元 (10 thousand CNY)
    ticket_max: Mapped[Optional[float]] = mapped_column(Float)
    region: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    owner: Mapped[Organization] = relationship(lazy="joined")
