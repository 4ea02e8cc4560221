"""Search: entries per word (document frequencies) kept beside the index

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 15:10:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Counting what is indexed now (the words are the entries' space-separated tokens, as
# matching/index.py counts them); the code keeps the counts in step from then on.
RECOUNT = {
    "postgresql": "INSERT INTO search_term (term, entries) SELECT term, count(*) FROM "
                  "(SELECT DISTINCT id, regexp_split_to_table(tokens, ' ') AS term FROM search_entry) AS words "
                  "WHERE term <> '' GROUP BY term",
    "sqlite": "INSERT INTO search_term (term, entries) SELECT term, doc FROM search_vocab",
}


def upgrade() -> None:
    op.create_table('search_term',
                    sa.Column('term', sa.Text(), nullable=False),
                    sa.Column('entries', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('term', name=op.f('pk_search_term')))
    op.execute(RECOUNT[op.get_bind().dialect.name])


def downgrade() -> None:
    op.drop_table('search_term')
