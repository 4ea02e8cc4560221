"""Migration 0006 creates exactly the chain tables the models describe, and can be undone."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from medbridge.db import Base

CHAIN_TABLES = {"chain_taxonomy", "chain_placement", "park_tenant", "cluster_figure"}


def test_the_chain_tables_match_the_models_and_downgrade_cleanly(db):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    about_chain = [d for d in differences if any(t in repr(d) for t in CHAIN_TABLES)]
    assert about_chain == []
    if db.engine.dialect.name != "sqlite":
        return  # the PostgreSQL template is shared by the run: leave its schema alone
    config = db.alembic_config()
    before = ScriptDirectory.from_config(config).get_revision("0006").down_revision
    command.downgrade(config, before)
    assert not CHAIN_TABLES & set(inspect(db.engine).get_table_names())
    command.upgrade(config, "head")
    assert CHAIN_TABLES <= set(inspect(db.engine).get_table_names())
