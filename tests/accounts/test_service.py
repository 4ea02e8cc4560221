"""Users and roles, password login with a rate limit, browser sessions and API tokens."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from medbridge.accounts import service as accounts
from medbridge.accounts.models import ApiToken, LoginAttempt, LoginSession
from medbridge.db.base import utcnow
from medbridge.errors import Forbidden, NotFound, ValidationError
from tests.accounts.conftest import PASSWORD


# --- users and roles ---------------------------------------------------------------------

def test_a_new_user_with_roles(session, orgs):
    owner, _ = orgs
    user = accounts.create_user(session, " wang.li@example ", PASSWORD, display_name=" 王立 ",
                                roles=["tto:京南", "admin", "admin"])
    assert (user.username, user.display_name, user.label, user.is_active) == ("wang.li@example", "王立", "王立", True)
    assert sorted((g.role, g.organization_id) for g in user.roles) == [("admin", None), ("tto", owner.id)]
    assert accounts.get_user(session, "wang.li@example") is user
    assert accounts.get_user(session, str(user.id)) is user
    with pytest.raises(NotFound):
        accounts.get_user(session, "nobody")


def test_every_problem_with_a_new_user_is_reported_at_once(session, orgs):
    accounts.create_user(session, "taken", PASSWORD)
    with pytest.raises(ValidationError) as refused:
        accounts.create_user(session, "x", "short", roles=["wizard", "tto", "admin:京南医院", "member:无此机构"])
    fields = [e["field"] for e in refused.value.errors]
    assert fields == ["username", "password", "role", "role", "role", "role"]
    with pytest.raises(ValidationError) as taken:
        accounts.create_user(session, "taken", PASSWORD)
    assert "already exists" in taken.value.errors[0]["message"]
    with pytest.raises(ValidationError):
        accounts.create_user(session, "has space", PASSWORD)


def test_passwords_are_stored_as_argon2id_hashes_never_as_given(session):
    user = accounts.create_user(session, "nurse", PASSWORD)
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    other = accounts.create_user(session, "doctor", PASSWORD)
    assert other.password_hash != user.password_hash  # salted


def test_a_hash_made_with_weaker_settings_is_upgraded_at_the_next_login(session, monkeypatch):
    user = accounts.create_user(session, "nurse", PASSWORD)  # with the cheap test hasher
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher())
    weak = user.password_hash
    accounts.authenticate(session, "nurse", PASSWORD)
    assert user.password_hash != weak and not PasswordHasher().check_needs_rehash(user.password_hash)


def test_roles_are_added_and_removed(session, orgs):
    owner, other = orgs
    user = accounts.create_user(session, "nurse", PASSWORD)
    accounts.add_role(session, user, f"member:{other.id}")
    accounts.add_role(session, user, f"member:{other.id}")  # once is enough
    accounts.add_role(session, user, "tto:京南医院")
    assert accounts.viewer_for(session, user).roles == {("member", other.id), ("tto", owner.id)}
    assert accounts.remove_role(session, user, "tto:京南") is True
    assert accounts.remove_role(session, user, "tto:京南") is False
    assert accounts.viewer_for(session, user).managed_organizations == frozenset()


# --- login -------------------------------------------------------------------------------

def test_the_right_password_signs_in(session):
    user = accounts.create_user(session, "nurse", PASSWORD)
    assert user.last_login_at is None
    assert accounts.authenticate(session, " nurse ", PASSWORD, client="10.0.0.1") is user
    assert user.last_login_at is not None


@pytest.mark.parametrize("username, password", [("nurse", "wrong-password"), ("nobody", PASSWORD), ("nurse", "")])
def test_a_wrong_name_or_password_is_401_without_saying_which(session, username, password):
    accounts.create_user(session, "nurse", PASSWORD)
    with pytest.raises(accounts.LoginRefused) as refused:
        accounts.authenticate(session, username, password)
    assert refused.value.status == 401 and "wrong username or password" in str(refused.value)


def test_a_disabled_account_cannot_sign_in(session):
    user = accounts.create_user(session, "nurse", PASSWORD)
    accounts.set_active(session, user, False)
    with pytest.raises(Forbidden) as refused:
        accounts.authenticate(session, "nurse", PASSWORD)
    assert refused.value.status == 403 and "disabled" in str(refused.value)


def test_after_five_failures_even_the_right_password_waits(session):
    accounts.create_user(session, "nurse", PASSWORD)
    accounts.create_user(session, "doctor", PASSWORD)
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate(session, "nurse", "wrong-password", client="10.0.0.9")
    with pytest.raises(accounts.TooManyAttempts) as limited:
        accounts.authenticate(session, "nurse", PASSWORD)
    assert limited.value.status == 429
    assert accounts.authenticate(session, "doctor", PASSWORD)  # the limit is per username
    # Once the failures are older than the window, the right password works again.
    session.execute(update(LoginAttempt).values(at=utcnow() - accounts.FAILURE_WINDOW - timedelta(seconds=1)))
    assert accounts.authenticate(session, "nurse", PASSWORD)


def test_a_success_clears_earlier_failures(session):
    accounts.create_user(session, "nurse", PASSWORD)
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate(session, "nurse", "wrong-password")
    accounts.authenticate(session, "nurse", PASSWORD)
    assert session.scalar(select(LoginAttempt).where(LoginAttempt.username == "nurse")) is None
    with pytest.raises(accounts.LoginRefused):  # a fresh count: not yet limited
        accounts.authenticate(session, "nurse", "wrong-password")


# --- browser sessions --------------------------------------------------------------------

def test_a_session_is_found_by_its_cookie_until_it_expires_or_ends(session):
    user = accounts.create_user(session, "nurse", PASSWORD)
    token, row = accounts.start_session(session, user)
    assert row.token_hash != token and len(row.csrf_token) >= 32
    assert accounts.find_session(session, token) is row
    assert accounts.find_session(session, token + "x") is None and accounts.find_session(session, None) is None
    row.expires_at = utcnow() - timedelta(seconds=1)
    assert accounts.find_session(session, token) is None
    token2, _ = accounts.start_session(session, user)
    accounts.end_session(session, token2)
    assert accounts.find_session(session, token2) is None


def test_sessions_last_twelve_hours(session):
    user = accounts.create_user(session, "nurse", PASSWORD)
    _, row = accounts.start_session(session, user)
    assert timedelta(hours=11, minutes=59) < row.expires_at - utcnow() <= accounts.SESSION_LIFETIME


def test_a_new_password_ends_every_session(session):
    user = accounts.create_user(session, "nurse", PASSWORD)
    token, _ = accounts.start_session(session, user)
    with pytest.raises(ValidationError):
        accounts.reset_password(session, user, "short")
    assert accounts.find_session(session, token) is not None
    accounts.reset_password(session, user, "another-long-password")
    assert accounts.find_session(session, token) is None
    assert accounts.authenticate(session, "nurse", "another-long-password")


# --- API tokens --------------------------------------------------------------------------

def test_a_token_is_shown_once_and_stored_as_a_hash(session):
    user = accounts.create_user(session, "robot", PASSWORD)
    token = accounts.create_token(session, user, name="nightly import")
    assert token.startswith("mbt_") and len(token) > 40
    row = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token not in row.token_hash and row.name == "nightly import" and row.expires_at is None
    assert accounts.user_for_token(session, token) is user
    assert row.last_used_at is not None
    assert accounts.user_for_token(session, "mbt_guess") is None and accounts.user_for_token(session, "") is None


def test_a_revoked_or_expired_token_stops_working(session):
    user = accounts.create_user(session, "robot", PASSWORD)
    revoked, expiring = accounts.create_token(session, user), accounts.create_token(session, user, days=30)
    rows = {r.expires_at is None: r for r in session.scalars(select(ApiToken))}
    assert accounts.user_for_token(session, expiring) is user
    rows[True].revoked_at = utcnow()
    rows[False].expires_at = utcnow() - timedelta(seconds=1)
    assert accounts.user_for_token(session, revoked) is None
    assert accounts.user_for_token(session, expiring) is None


def test_disabling_a_user_ends_their_sessions_and_tokens_at_once(session):
    user = accounts.create_user(session, "nurse", PASSWORD)
    cookie, _ = accounts.start_session(session, user)
    token = accounts.create_token(session, user)
    accounts.set_active(session, user, False)
    assert accounts.find_session(session, cookie) is None and accounts.user_for_token(session, token) is None
    assert session.scalar(select(LoginSession).where(LoginSession.user_id == user.id)) is None
    accounts.set_active(session, user, True)
    assert accounts.user_for_token(session, token) is None  # revoked for good, not paused


def test_an_anonymous_viewer_has_no_roles(session):
    viewer = accounts.viewer_for(session, None)
    assert viewer.is_anonymous and not viewer.is_admin and viewer.roles == frozenset()
