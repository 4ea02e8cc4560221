"""Search: the index's totals (entries, tokens) beside the word counts, for ranking

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 18:00:00
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The rows ranking.ENTRIES and ranking.TOKENS of search_term, counted from what is indexed
# now (tokens are space-separated, as matching/index.py counts them); the code keeps them in
# step from then on. An empty index has neither row, as the code leaves it.
TOTALS = ("INSERT INTO search_term (term, entries) SELECT ' entries', count(*) FROM search_entry "
          "HAVING count(*) > 0",
          "INSERT INTO search_term (term, entries) SELECT ' tokens', "
          "sum(CASE WHEN tokens = '' THEN 0 ELSE length(tokens) - length(replace(tokens, ' ', '')) + 1 END) "
          "FROM search_entry HAVING count(*) > 0")


def upgrade() -> None:
    for statement in TOTALS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DELETE FROM search_term WHERE term IN (' entries', ' tokens')")
