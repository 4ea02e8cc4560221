"""Search (PostgreSQL): the newest index entries again, in two sizes, each with a GIN index of its own

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 05:00:00
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# matching.models.RECENT, as it was when this migration was written (a migration keeps its own
# copy: it must mean the same thing later).
RECENT = {"search_newest": 131_072, "search_recent": 524_288}

UPGRADE = tuple(
    statement for table, entries in RECENT.items() for statement in (
        f"CREATE TABLE {table} (id integer PRIMARY KEY REFERENCES search_entry (id) ON DELETE CASCADE, "
        "tsv tsvector NOT NULL)",
        f"INSERT INTO {table} (id, tsv) SELECT id, tsv FROM search_entry "
        f"WHERE id > (SELECT max(id) FROM search_entry) - {entries}",
        f"CREATE INDEX ix_{table}_tsv ON {table} USING gin (tsv)")
) + (
    # Every new entry is also a recent one; matching/index.py drops the oldest.
    "CREATE FUNCTION search_recent_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    + " ".join(f"INSERT INTO {table} (id, tsv) VALUES (NEW.id, NEW.tsv);" for table in RECENT)
    + " RETURN NULL; END $$",
    "CREATE TRIGGER search_recent_add AFTER INSERT ON search_entry FOR EACH ROW EXECUTE FUNCTION search_recent_add()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return   # SQLite's FTS5 walks its matches newest first by itself
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP TRIGGER search_recent_add ON search_entry")
    op.execute("DROP FUNCTION search_recent_add()")
    for table in RECENT:
        op.execute(f"DROP TABLE {table}")
