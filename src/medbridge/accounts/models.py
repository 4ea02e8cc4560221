from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from medbridge.db.base import Base, utcnow
from medbridge.registry.models import Organization

# Roles, and whether each is held "at" an organization (a scope) or platform-wide.
ROLES = {
    "admin": False,          # everything, everywhere
    "tto": True,             # tech-transfer office of an organization: manages its outcomes
    "member": True,          # enterprise / investor member of an organization: reads, requests access
    "operator": True,        # incubator or park operator: reads, requests access
    "judge": False,          # scores competition entries (see the competitions issue)
    "viewer": False,         # reads what is public
    "analyst": False,        # reviews news extractions and keeps the registry current from them
}


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    roles: Mapped[list["RoleGrant"]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                    lazy="selectin")

    @property
    def label(self) -> str:
        return self.display_name or self.username


class RoleGrant(Base):
    """A role a user holds, at one organization for the scoped roles."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship(back_populates="roles")
    organization: Mapped[Optional[Organization]] = relationship(lazy="joined")


class LoginSession(Base):
    """A browser session; the cookie holds a random token, the database only its hash."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token for scripts; shown once at creation, stored as a hash."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    user: Mapped[User] = relationship(lazy="joined")


class LoginAttempt(Base):
    """Failed logins, kept in the database so the rate limit holds across app servers."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class AccessGrant(Base):
    """Access to an outcome's detail: requested by someone, decided by the owner.

    A grant names a user, or an organization (every member of it). Status moves
    requested → granted | refused, and granted → revoked; a grant may expire.
    """

    __tablename__ = "access_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    nda_reference: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    user: Mapped[Optional[User]] = relationship(foreign_keys=[user_id], lazy="joined")
    organization: Mapped[Optional[Organization]] = relationship(lazy="joined")


class AuditEvent(Base):
    """Who did what, when: changes, grants, views of confidential detail, exports, logins."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(48), index=True)
    target_type: Mapped[str] = mapped_column(String(32), default="")
    target_id: Mapped[Optional[int]] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    client: Mapped[str] = mapped_column(String(64), default="")
