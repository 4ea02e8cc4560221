from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medbridge.accounts.models import User
from medbridge.db.base import Base, utcnow
from medbridge.library.models import Outcome
from medbridge.registry.models import Organization, Person

COMPETITION_STATUSES = ("open", "judging", "finished")


class Expert(Base):
    """A think-tank expert (专家智库): a registry Person with expertise, an organization, a history,
    and optionally a user account (to judge) and the technology-manager (技术经理人) qualification."""

    __tablename__ = "expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"),
                                                           index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), unique=True)
    fields: Mapped[list] = mapped_column(JSON, default=list)        # taxonomy field keys
    title: Mapped[str] = mapped_column(String(100), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    history: Mapped[str] = mapped_column(Text, default="")          # past roles, reviews, deals advised
    is_tech_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship(lazy="joined")
    organization: Mapped[Optional[Organization]] = relationship(lazy="joined")
    user: Mapped[Optional[User]] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return self.person.name


class TechManagerAssignment(Base):
    """A technology manager (技术经理人) looking after an outcome's transfer."""

    __tablename__ = "tech_manager_assignment"
    __table_args__ = (UniqueConstraint("outcome_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), index=True)
    assigned_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(100))

    expert: Mapped[Expert] = relationship(lazy="joined")
    outcome: Mapped[Outcome] = relationship(lazy="joined")


class Competition(Base):
    __tablename__ = "competition"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organizer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Award names and how many entries each gets, best first: [{"name": "一等奖", "count": 1}, …]
    awards: Mapped[list] = mapped_column(JSON, default=list)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organizer: Mapped[Optional[Organization]] = relationship(lazy="joined")
    rounds: Mapped[list["CompetitionRound"]] = relationship(back_populates="competition", cascade="all, delete-orphan",
                                                            lazy="selectin", order_by="CompetitionRound.number")
    entries: Mapped[list["CompetitionEntry"]] = relationship(back_populates="competition",
                                                             cascade="all, delete-orphan", order_by="CompetitionEntry.id")
    judges: Mapped[list["CompetitionJudge"]] = relationship(back_populates="competition", cascade="all, delete-orphan",
                                                            lazy="selectin", order_by="CompetitionJudge.id")


class CompetitionRound(Base):
    """A round (初赛, 决赛…) with its rubric: criteria with weights on a common scale."""

    __tablename__ = "competition_round"
    __table_args__ = (UniqueConstraint("competition_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    # {"criteria": [{"key": "innovation", "label": "创新性", "weight": 0.3}, …], "scale": [0, 10]}
    rubric: Mapped[dict] = mapped_column(JSON)
    judges_per_entry: Mapped[int] = mapped_column(Integer, default=3)
    # How many of this round's best entries go on to the next round (ties at the cut all go); None = all.
    advancing: Mapped[Optional[int]] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")

    competition: Mapped[Competition] = relationship(back_populates="rounds")


class CompetitionEntry(Base):
    """An entry: an outcome from the library, or a team with its organization and members."""

    __tablename__ = "competition_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    outcome_id: Mapped[Optional[int]] = mapped_column(ForeignKey("outcome.id", ondelete="SET NULL"))
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    members: Mapped[list] = mapped_column(JSON, default=list)        # team members' names
    field: Mapped[str] = mapped_column(String(32), default="")
    award: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    competition: Mapped[Competition] = relationship(back_populates="entries")
    outcome: Mapped[Optional[Outcome]] = relationship(lazy="joined")
    organization: Mapped[Optional[Organization]] = relationship(lazy="joined")


class CompetitionJudge(Base):
    __tablename__ = "competition_judge"
    __table_args__ = (UniqueConstraint("competition_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), index=True)

    competition: Mapped[Competition] = relationship(back_populates="judges")
    expert: Mapped[Expert] = relationship(lazy="joined")


class DeclaredConflict(Base):
    """A conflict of interest a judge declared with an entry (advisor, family, shareholder…)."""

    __tablename__ = "declared_conflict"
    __table_args__ = (UniqueConstraint("entry_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("competition_entry.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(300), default="")


class PanelAssignment(Base):
    """A judge assigned to score an entry in a round, and the scores given (criterion → value)."""

    __tablename__ = "panel_assignment"
    __table_args__ = (UniqueConstraint("round_id", "entry_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("competition_round.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("competition_entry.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id", ondelete="CASCADE"), index=True)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)     # placed by the organiser, not the algorithm
    scores: Mapped[Optional[dict]] = mapped_column(JSON)
    total: Mapped[Optional[float]] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    entry: Mapped[CompetitionEntry] = relationship(lazy="joined")
    expert: Mapped[Expert] = relationship(lazy="joined")
