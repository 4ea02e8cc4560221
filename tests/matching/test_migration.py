"""Migration 0007 adds the index that field candidates are read from, declared on the model, and can be undone;
0008 counts the words of what is already indexed, 0009 its entries and tokens, 0010 (PostgreSQL) sets
apart its newest entries."""

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import delete, func, inspect, select, text

from medbridge.library.models import Outcome
from medbridge.matching.index import term_counts
from medbridge.matching.models import SearchEntry, SearchTerm
from medbridge.matching.ranking import ENTRIES

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


def test_word_counts_of_an_existing_index_are_counted_on_upgrade(db, session, world):
    recounted = dict(term_counts(session.scalars(select(SearchEntry.tokens))))
    session.execute(delete(SearchTerm))
    config = db.alembic_config()
    scripts = ScriptDirectory.from_config(config)
    session.execute(text(scripts.get_revision("0008").module.RECOUNT[db.engine.dialect.name]))
    for statement in scripts.get_revision("0009").module.TOTALS:
        session.execute(text(statement))
    assert dict(session.execute(select(SearchTerm.term, SearchTerm.entries)).all()) == recounted
    assert recounted["脑机接口"] >= 2 and recounted[ENTRIES] == session.query(SearchEntry).count()


def test_the_newest_entries_of_an_existing_index_are_set_apart_on_upgrade(db, session, world):
    if db.engine.dialect.name != "postgresql":
        return   # (0010 makes nothing on SQLite)
    module = ScriptDirectory.from_config(db.alembic_config()).get_revision("0010").module
    for table, entries in module.RECENT.items():
        session.execute(text(f"DELETE FROM {table}"))
        session.execute(text(next(statement for statement in module.UPGRADE if statement.startswith(f"INSERT INTO {table}"))
                             .replace(str(entries), "3")))
        last = session.scalar(select(func.max(SearchEntry.id)))
        newest = session.scalars(select(SearchEntry.id).where(SearchEntry.id > last - 3).order_by(SearchEntry.id)).all()
        assert session.scalars(text(f"SELECT id FROM {table} ORDER BY id")).all() == newest
