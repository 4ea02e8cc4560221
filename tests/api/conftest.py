"""Callers of the API: an administrator, and people with one role each, with bearer tokens."""

from __future__ import annotations

import pytest

from medbridge.accounts import service as accounts

PASSWORD = "a-long-password"


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Argon2 with its production cost takes ~0.2 s a hash; tests make many users."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def make_user(db):
    """make_user("name", "tto:ORG", …) → the Authorization header of a new user with those roles."""

    def make(username: str, *roles: str, password: str = PASSWORD) -> dict[str, str]:
        with db.session() as s:
            user = accounts.create_user(s, username, password, roles=list(roles))
            token = accounts.create_token(s, user, name="tests")
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def admin(make_user) -> dict[str, str]:
    return make_user("root", "admin")


@pytest.fixture
def admin_client(client, admin):
    """The app's test client, signed in as an administrator for every request."""
    client.headers.update(admin)
    return client


SECRET = "只有获授权者才能读到的技术细节"


@pytest.fixture
def world(db, make_user):
    """Two organizations; the first owns an outcome at each level of confidentiality, whose
    summary holds SECRET; a caller for each kind of person (Authorization headers)."""
    from types import SimpleNamespace

    from medbridge.library import service
    from tests.factories import make_org, outcome_data

    with db.session() as s:
        owner = make_org(s, name="京南医院", aliases=["京南"])
        other = make_org(s, name="津港企业", kind="enterprise", province="天津市", city="天津市")
        ids = {level: service.create_outcome(s, outcome_data(owner, code=f"L-{level}", confidentiality=level,
                                                                title=f"成果（{level}）",
                                                                summary=SECRET * 3), author="seed").id
               for level in ("public", "summary", "confidential")}
        owner_id, other_id = owner.id, other.id
    return SimpleNamespace(
        owner_id=owner_id, other_id=other_id, ids=ids,
        admin=make_user("root", "admin"),
        tto=make_user("owner-office", f"tto:{owner_id}"),
        stranger=make_user("other-office", f"tto:{other_id}"),
        member=make_user("investor", f"member:{other_id}"),
        viewer=make_user("reader", "viewer"),
    )
