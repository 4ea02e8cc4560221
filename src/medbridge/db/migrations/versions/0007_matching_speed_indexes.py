"""Matching at scale: outcomes of a field in grade order straight from an index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 13:30:00
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # match_need's field candidates: the best graded outcomes of one field, read in index
    # order and stopped after a few dozen, instead of sorting every outcome of the field.
    op.execute("CREATE INDEX ix_outcome_field_score ON outcome (field, score DESC, id)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_outcome_field_score")
