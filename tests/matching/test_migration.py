"""Migration 0007 adds the index that field candidates are read from, declared on the model, and can be undone."""

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from medbridge.library.models import Outcome

INDEX = "ix_outcome_field_score"


def _outcome_indexes(db) -> set[str]:
    return {index["name"] for index in inspect(db.engine).get_indexes("outcome")}


def test_the_field_score_index_matches_the_model_and_downgrades_cleanly(db):
    assert INDEX in _outcome_indexes(db)
    # (Alembic's comparison cannot tell a DESC column apart on SQLite: compare by name.)
    assert INDEX in {index.name for index in Outcome.__table__.indexes}
    if db.engine.dialect.name != "sqlite":
        return  # the PostgreSQL template is shared by the run: leave its schema alone
    config = db.alembic_config()
    command.downgrade(config, ScriptDirectory.from_config(config).get_revision("0007").down_revision)
    assert INDEX not in _outcome_indexes(db)
    command.upgrade(config, "head")
    assert INDEX in _outcome_indexes(db)
