from __future__ import annotations

import pytest

from medbridge.app import create_app
from tests.web.helpers import Browser, sign_in


@pytest.fixture
def client(db):
    """An anonymous visitor."""
    with Browser(create_app(db)) as client:
        yield client


@pytest.fixture
def admin(client, db):
    """The same client, signed in as an administrator."""
    return sign_in(client, db, "admin", "admin")


@pytest.fixture
def english(client):
    client.cookies.set("lang", "en")
    return client
