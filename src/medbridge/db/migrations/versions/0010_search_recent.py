"""Search (PostgreSQL): the newest index entries again, with a GIN index of their own

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 05:00:00
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# matching.models.RECENT_ENTRIES, as it was when this migration was written (a migration
# keeps its own copy: it must mean the same thing later).
RECENT_ENTRIES = 524288

UPGRADE = (
    "CREATE TABLE search_recent (id integer PRIMARY KEY REFERENCES search_entry (id) ON DELETE CASCADE, "
    "tsv tsvector NOT NULL)",
    "INSERT INTO search_recent (id, tsv) SELECT id, tsv FROM search_entry "
    f"WHERE id > (SELECT max(id) FROM search_entry) - {RECENT_ENTRIES}",
    "CREATE INDEX ix_search_recent_tsv ON search_recent USING gin (tsv)",
    # Every new entry is also a recent one; matching/index.py drops the oldest.
    "CREATE FUNCTION search_recent_add() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN INSERT INTO search_recent (id, tsv) VALUES (NEW.id, NEW.tsv); RETURN NULL; END $$",
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
    op.execute("DROP TABLE search_recent")
