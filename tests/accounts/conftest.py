"""Accounts tests run on both databases (the `session` fixture); passwords hash cheaply here."""

import pytest
from argon2 import PasswordHasher

from medbridge.accounts import service as accounts

PASSWORD = "a-long-password"


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Argon2 at its production cost takes ~0.2 s a hash; the tests make many users."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def orgs(session):
    from tests.factories import make_org

    owner = make_org(session, name="京南医院", aliases=["京南"])
    other = make_org(session, name="津港企业", kind="enterprise", province="天津市", city="天津市")
    return owner, other


@pytest.fixture
def outcomes(session, orgs):
    """An outcome of the first organization at each level of confidentiality."""
    from medbridge.library import service
    from tests.factories import outcome_data

    owner, _ = orgs
    return {level: service.create_outcome(session, outcome_data(owner, code=f"L-{level}", confidentiality=level,
                                                                   summary=f"秘密细节-{level}" * 5), author="seed")
            for level in ("public", "summary", "confidential")}


@pytest.fixture
def people(session, orgs):
    """A user for each kind of person, by name: admin, tto (owner's office), stranger (the other
    organization's office), member (of the other organization), reader (viewer role), nobody."""
    owner, other = orgs
    roles = {"admin": ["admin"], "tto": [f"tto:{owner.id}"], "stranger": [f"tto:{other.id}"],
             "member": [f"member:{other.id}"], "reader": ["viewer"], "nobody": []}
    return {name: accounts.create_user(session, name, PASSWORD, roles=r) for name, r in roles.items()}


@pytest.fixture
def viewers(session, people):
    """Viewer for each person, as resolved at the start of a request (call again after a change)."""
    def resolve():
        return {name: accounts.viewer_for(session, user) for name, user in people.items()}
    return resolve
