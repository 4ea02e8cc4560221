"""Industry chain: taxonomy versions, placements of organizations, park tenants, cluster figures

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 11:44:43.697048
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chain_taxonomy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_taxonomy')),
    sa.UniqueConstraint('version', name=op.f('uq_chain_taxonomy_version'))
    )
    op.create_table('chain_placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('chain_key', sa.String(length=32), nullable=False),
    sa.Column('segment_key', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_chain_placement_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_placement')),
    sa.UniqueConstraint('organization_id', 'chain_key', 'segment_key', name=op.f('uq_chain_placement_organization_id'))
    )
    with op.batch_alter_table('chain_placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_placement_chain_key'), ['chain_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_chain_placement_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chain_placement_status'), ['status'], unique=False)

    op.create_table('cluster_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('chain_key', sa.String(length=32), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('source_kind', sa.String(length=16), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_cluster_figure_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cluster_figure'))
    )
    with op.batch_alter_table('cluster_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_figure_metric'), ['metric'], unique=False)
        batch_op.create_index(batch_op.f('ix_cluster_figure_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cluster_figure_region'), ['region'], unique=False)

    op.create_table('park_tenant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_park_tenant_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['park_id'], ['organization.id'], name=op.f('fk_park_tenant_park_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_park_tenant')),
    sa.UniqueConstraint('organization_id', name=op.f('uq_park_tenant_organization_id'))
    )
    with op.batch_alter_table('park_tenant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_park_tenant_park_id'), ['park_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('park_tenant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_park_tenant_park_id'))

    op.drop_table('park_tenant')
    with op.batch_alter_table('cluster_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_figure_region'))
        batch_op.drop_index(batch_op.f('ix_cluster_figure_organization_id'))
        batch_op.drop_index(batch_op.f('ix_cluster_figure_metric'))

    op.drop_table('cluster_figure')
    with op.batch_alter_table('chain_placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chain_placement_status'))
        batch_op.drop_index(batch_op.f('ix_chain_placement_organization_id'))
        batch_op.drop_index(batch_op.f('ix_chain_placement_chain_key'))

    op.drop_table('chain_placement')
    op.drop_table('chain_taxonomy')
