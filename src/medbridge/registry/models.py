from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medbridge.db.base import Base, utcnow

# Kinds of organization; the labels live in medbridge/library/taxonomy.json with the others.
ORGANIZATION_KINDS = (
    "hospital", "university", "institute", "enterprise", "investor", "incubator",
    "park", "government", "alliance", "media", "service_platform",
)


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    province: Mapped[str] = mapped_column(String(32), default="", index=True)
    city: Mapped[str] = mapped_column(String(32), default="", index=True)
    district: Mapped[str] = mapped_column(String(32), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    parent: Mapped[Optional["Organization"]] = relationship(remote_side=[id], lazy="joined")
    aliases: Mapped[list["OrganizationAlias"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", lazy="selectin",
        order_by="OrganizationAlias.alias",
    )

    @property
    def region(self) -> str:
        # Municipalities repeat themselves (北京市, 北京市): say it once.
        parts = [self.province, self.city if self.city != self.province else "", self.district]
        return "".join(part for part in parts if part)

    @property
    def alias_names(self) -> list[str]:
        return [a.alias for a in self.aliases]


class OrganizationAlias(Base):
    """Another name for an organization (天坛医院 = 首都医科大学附属北京天坛医院)."""

    __tablename__ = "organization_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200), unique=True)

    organization: Mapped[Organization] = relationship(back_populates="aliases")


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    expertise: Mapped[list] = mapped_column(JSON, default=list)
    email: Mapped[str] = mapped_column(String(200), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    titles: Mapped[list["PersonTitle"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin",
        order_by="PersonTitle.start_date",
    )


class PersonTitle(Base):
    """A title a person held at an organization, over a span of time (open end = current)."""

    __tablename__ = "person_title"
    __table_args__ = (UniqueConstraint("person_id", "organization_id", "title", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[Optional[date]] = mapped_column(Date)
    end_date: Mapped[Optional[date]] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="titles")
    organization: Mapped[Organization] = relationship(lazy="joined")
