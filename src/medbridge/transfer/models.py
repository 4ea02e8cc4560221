from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medbridge.db.base import Base, utcnow
from medbridge.library.models import Outcome
from medbridge.registry.models import Organization

# The stages a deal walks through, in order; "lost" can end it from any open stage.
DEAL_STAGES = ("contacted", "nda", "due_diligence", "negotiation", "signed", "executing", "closed")
LOST = "lost"
ALL_DEAL_STAGES = DEAL_STAGES + (LOST,)
DEAL_MODES = ("license", "assignment", "equity", "co_development", "service")

# 验证 → 孵化 → 加速 → 毕业
INCUBATION_PHASES = ("validation", "incubation", "acceleration", "graduated")


class Deal(Base):
    """A transfer of one outcome to one or more counterparties, from first contact to close."""

    __tablename__ = "deal"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(32), index=True)
    value: Mapped[Optional[float]] = mapped_column(Float)          # 万元 (10 thousand CNY)
    terms: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[list] = mapped_column(JSON, default=list)    # references: contract numbers, file names, links
    stage: Mapped[str] = mapped_column(String(32), index=True)
    started_on: Mapped[date] = mapped_column(Date, index=True)
    stage_since: Mapped[date] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    outcome: Mapped[Outcome] = relationship(lazy="joined")
    parties: Mapped[list["DealParty"]] = relationship(back_populates="deal", cascade="all, delete-orphan",
                                                      lazy="selectin", order_by="DealParty.id")
    events: Mapped[list["DealEvent"]] = relationship(back_populates="deal", cascade="all, delete-orphan",
                                                     lazy="selectin", order_by="(DealEvent.happened_on, DealEvent.id)")

    @property
    def counterparties(self) -> list[Organization]:
        return [party.organization for party in self.parties]


class DealParty(Base):
    """A counterparty organization of a deal (enterprise, investor, incubator…)."""

    __tablename__ = "deal_party"
    __table_args__ = (UniqueConstraint("deal_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"), index=True)

    deal: Mapped[Deal] = relationship(back_populates="parties")
    organization: Mapped[Organization] = relationship(lazy="joined")


class DealEvent(Base):
    """A deal entering a stage on a day, by someone; the first event is the first contact."""

    __tablename__ = "deal_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str] = mapped_column(String(32), default="")
    to_stage: Mapped[str] = mapped_column(String(32))
    happened_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    deal: Mapped[Deal] = relationship(back_populates="events")


class IncubationProject(Base):
    """A project or company in an incubator's cohort, moving 验证 → 孵化 → 加速 → 毕业."""

    __tablename__ = "incubation_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    incubator_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    outcome_id: Mapped[Optional[int]] = mapped_column(ForeignKey("outcome.id", ondelete="SET NULL"))
    cohort: Mapped[str] = mapped_column(String(64), default="", index=True)
    phase: Mapped[str] = mapped_column(String(32), index=True)
    phase_since: Mapped[date] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    incubator: Mapped[Organization] = relationship(foreign_keys=[incubator_id], lazy="joined")
    company: Mapped[Optional[Organization]] = relationship(foreign_keys=[company_id], lazy="joined")
    outcome: Mapped[Optional[Outcome]] = relationship(lazy="joined")
    milestones: Mapped[list["IncubationMilestone"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", lazy="selectin",
        order_by="(IncubationMilestone.due_on, IncubationMilestone.id)")
    phase_events: Mapped[list["IncubationPhaseEvent"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", lazy="selectin",
        order_by="(IncubationPhaseEvent.happened_on, IncubationPhaseEvent.id)")


class IncubationPhaseEvent(Base):
    __tablename__ = "incubation_phase_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("incubation_project.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(32))
    happened_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(100))

    project: Mapped[IncubationProject] = relationship(back_populates="phase_events")


class IncubationMilestone(Base):
    """A goal of a phase (prototype validated, first round raised…), due on a day, done or not."""

    __tablename__ = "incubation_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("incubation_project.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[Optional[date]] = mapped_column(Date)
    done_on: Mapped[Optional[date]] = mapped_column(Date)

    project: Mapped[IncubationProject] = relationship(back_populates="milestones")
