"""Users, their roles, password login with a rate limit, browser sessions and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from medbridge.accounts.models import ROLES, AccessGrant, ApiToken, LoginAttempt, LoginSession, RoleGrant, User
from medbridge.accounts.policy import Viewer
from medbridge.db.base import utcnow
from medbridge.errors import Forbidden, NotFound, ValidationError
from medbridge.registry.service import find_organization

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
# Failed logins allowed per username within the window, before further attempts are refused.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
USERNAME = re.compile(r"^[A-Za-z0-9_.@\-]{3,64}$")

_hasher = PasswordHasher()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- users and roles ---------------------------------------------------------------------

def _check_password(password: str) -> list[dict]:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return [{"field": "password", "message": f"密码至少{MIN_PASSWORD_LENGTH}位 / at least "
                                                 f"{MIN_PASSWORD_LENGTH} characters"}]
    return []


def parse_role(session: Session, text: str) -> tuple[str, int | None]:
    """'admin', 'viewer', 'judge', or 'tto:ORG', 'member:ORG', 'operator:ORG' (ORG = id, name or alias)."""
    role, _, org_ref = text.partition(":")
    role = role.strip().lower()
    if role not in ROLES:
        raise ValidationError([{"field": "role", "message": f"未知角色“{role}” / unknown role; one of {', '.join(ROLES)}"}])
    if ROLES[role] != bool(org_ref.strip()):
        need = "需要指定机构，如 tto:机构名 / needs an organization, e.g. tto:NAME" if ROLES[role] \
            else "不属于某个机构 / is not held at an organization"
        raise ValidationError([{"field": "role", "message": f"{role} {need}"}])
    if not org_ref.strip():
        return role, None
    org = find_organization(session, org_ref)
    if org is None:
        raise ValidationError([{"field": "role", "message": f"机构“{org_ref}”不存在 / organization not found"}])
    return role, org.id


def create_user(session: Session, username: str, password: str, display_name: str = "", email: str = "",
                roles: list[str] = ()) -> User:
    errors = []
    username = (username or "").strip()
    if not USERNAME.match(username):
        errors.append({"field": "username", "message": "3–64位字母、数字或 _ . @ - / 3–64 letters, digits or _ . @ -"})
    elif session.scalar(select(User.id).where(User.username == username)):
        errors.append({"field": "username", "message": f"“{username}”已存在 / already exists"})
    errors += _check_password(password)
    parsed = []
    for text in roles:
        try:
            parsed.append(parse_role(session, text))
        except ValidationError as exc:
            errors += exc.errors
    if errors:
        raise ValidationError(errors)
    user = User(username=username, display_name=display_name.strip(), email=email.strip(),
                password_hash=_hasher.hash(password),
                roles=[RoleGrant(role=r, organization_id=o) for r, o in dict.fromkeys(parsed)])
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, ref: str | int) -> User:
    text = str(ref).strip()
    user = session.scalar(select(User).where(User.username == text))
    if user is None and text.isdecimal() and len(text) < 19:
        user = session.get(User, int(text))
    if user is None:
        raise NotFound(f"user {ref} not found / 用户不存在")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def add_role(session: Session, user: User, text: str) -> RoleGrant:
    role, org_id = parse_role(session, text)
    existing = next((g for g in user.roles if (g.role, g.organization_id) == (role, org_id)), None)
    if existing:
        return existing
    grant = RoleGrant(role=role, organization_id=org_id)
    user.roles.append(grant)
    session.flush()
    return grant


def remove_role(session: Session, user: User, text: str) -> bool:
    role, org_id = parse_role(session, text)
    for grant in list(user.roles):
        if (grant.role, grant.organization_id) == (role, org_id):
            user.roles.remove(grant)
            session.flush()
            return True
    return False


def set_active(session: Session, user: User, active: bool) -> None:
    """Disabling also ends the user's sessions and revokes their tokens at once."""
    user.is_active = active
    if not active:
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
        for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))):
            token.revoked_at = utcnow()
    session.flush()


def reset_password(session: Session, user: User, password: str) -> None:
    errors = _check_password(password)
    if errors:
        raise ValidationError(errors)
    user.password_hash = _hasher.hash(password)
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    session.flush()


def generate_password() -> str:
    return secrets.token_urlsafe(12)


# --- login -------------------------------------------------------------------------------

class LoginRefused(Forbidden):
    """Wrong name or password (deliberately not saying which), or a disabled account."""

    def __init__(self, message: str = "用户名或密码不正确 / wrong username or password", status: int = 401):
        super().__init__(message, status)


class TooManyAttempts(Forbidden):
    def __init__(self):
        super().__init__(f"登录失败次数过多，请{FAILURE_WINDOW.seconds // 60}分钟后再试 / too many failed "
                         f"logins; try again in {FAILURE_WINDOW.seconds // 60} minutes", status=429)


def authenticate(session: Session, username: str, password: str, client: str = "") -> User:
    """The user, if the password is right; failures are counted and limited per username."""
    username = (username or "").strip()[:64]
    since = utcnow() - FAILURE_WINDOW
    failures = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == username, LoginAttempt.at >= since))
    if failures >= MAX_FAILURES:
        raise TooManyAttempts()
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not _verify(user.password_hash, password or ""):
        session.add(LoginAttempt(username=username, client=client[:64]))
        session.flush()
        raise LoginRefused()
    if not user.is_active:
        raise LoginRefused("账号已停用 / this account is disabled", status=403)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
    user.last_login_at = utcnow()
    session.flush()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def start_session(session: Session, user: User) -> tuple[str, LoginSession]:
    """A new browser session; returns the cookie value (shown only now) and the row."""
    token = secrets.token_urlsafe(32)
    row = LoginSession(token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                       expires_at=utcnow() + SESSION_LIFETIME)
    session.add(row)
    session.flush()
    return token, row


def find_session(session: Session, token: str | None) -> LoginSession | None:
    if not token:
        return None
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _digest(token)))
    if row is None or row.expires_at < utcnow() or not row.user.is_active:
        return None
    return row


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))


# --- API tokens --------------------------------------------------------------------------

def create_token(session: Session, user: User, name: str = "", days: int | None = None) -> str:
    """A new API token; the plain value is returned once and never stored."""
    token = "mbt_" + secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_digest(token), user_id=user.id, name=name.strip()[:100],
                         expires_at=utcnow() + timedelta(days=days) if days else None))
    session.flush()
    return token


def user_for_token(session: Session, token: str | None) -> User | None:
    if not token:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = utcnow()
    if row is None or row.revoked_at or (row.expires_at and row.expires_at < now) or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        row.last_used_at = now  # coarse, so a busy script doesn't write on every call
    return row.user


# --- the viewer --------------------------------------------------------------------------

def viewer_for(session: Session, user: User | None) -> Viewer:
    """Roles and live access grants of a user, resolved once per request."""
    from medbridge.accounts.policy import ANONYMOUS

    if user is None:
        return ANONYMOUS
    roles = frozenset((g.role, g.organization_id) for g in user.roles)
    orgs = [org for _, org in roles if org is not None]
    now = utcnow()
    holder = AccessGrant.user_id == user.id
    if orgs:
        holder = or_(holder, AccessGrant.organization_id.in_(orgs))
    granted = session.scalars(select(AccessGrant.outcome_id).where(
        holder, AccessGrant.status == "granted",
        or_(AccessGrant.expires_at.is_(None), AccessGrant.expires_at > now)))
    return Viewer(user_id=user.id, username=user.username, roles=roles, granted_outcomes=frozenset(granted))
