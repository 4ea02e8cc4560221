"""Shared fixtures. Every test that takes `db` runs twice: on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text

from medbridge.db import Base, Database
from tests.postgres_server import TemporaryPostgres, find_postgres_bin


@pytest.fixture(scope="session")
def postgres_admin_url():
    url = os.environ.get("MEDBRIDGE_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        if os.environ.get("MEDBRIDGE_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL is required (MEDBRIDGE_REQUIRE_POSTGRES) but not installed")
        pytest.skip("PostgreSQL is not installed: run `make test`, which installs it")
    server = TemporaryPostgres(bin_dir)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url):
    """One migrated database for the whole run; each test empties its tables."""
    name = f"medbridge_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_admin_url.rsplit("/", 1)[0] + "/" + name
    database = Database(url)
    database.migrate()
    database.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> Database:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_template"))
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "alembic_version")
        with database.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    database.dispose()


@pytest.fixture
def run(db):
    """`medbridge …` on the test database: run("outcomes", "list", "--json") → a click Result."""
    from click.testing import CliRunner

    from medbridge.cli import main

    def invoke(*args):
        return CliRunner().invoke(main, ["--database", db.url, *args])
    return invoke


@pytest.fixture
def session(db):
    with db.session() as s:
        yield s


@pytest.fixture
def client(db):
    """The whole web app (API and pages) over the test database."""
    from fastapi.testclient import TestClient

    from medbridge.app import create_app

    with TestClient(create_app(db)) as test_client:
        yield test_client
