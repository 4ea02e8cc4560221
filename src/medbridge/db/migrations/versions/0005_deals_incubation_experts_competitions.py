"""Deals with stage events, incubation cohorts, experts and technology managers, competitions with panels and scores

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 11:43:11.545794
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('competition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('awards', sa.JSON(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organizer_id'], ['organization.id'], name=op.f('fk_competition_organizer_id_organization'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition')),
    sa.UniqueConstraint('name', name=op.f('uq_competition_name'))
    )
    op.create_table('expert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('history', sa.Text(), nullable=False),
    sa.Column('is_tech_manager', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_expert_organization_id_organization'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_expert_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_expert_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert')),
    sa.UniqueConstraint('person_id', name=op.f('uq_expert_person_id')),
    sa.UniqueConstraint('user_id', name=op.f('uq_expert_user_id'))
    )
    with op.batch_alter_table('expert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_organization_id'), ['organization_id'], unique=False)

    op.create_table('competition_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('award', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_competition_entry_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_competition_entry_organization_id_organization'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_competition_entry_outcome_id_outcome'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_entry'))
    )
    with op.batch_alter_table('competition_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_entry_competition_id'), ['competition_id'], unique=False)

    op.create_table('competition_judge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_competition_judge_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_competition_judge_expert_id_expert'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_judge')),
    sa.UniqueConstraint('competition_id', 'expert_id', name=op.f('uq_competition_judge_competition_id'))
    )
    with op.batch_alter_table('competition_judge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_judge_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competition_judge_expert_id'), ['expert_id'], unique=False)

    op.create_table('competition_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('rubric', sa.JSON(), nullable=False),
    sa.Column('judges_per_entry', sa.Integer(), nullable=False),
    sa.Column('advancing', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_competition_round_competition_id_competition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_round')),
    sa.UniqueConstraint('competition_id', 'number', name=op.f('uq_competition_round_competition_id'))
    )
    with op.batch_alter_table('competition_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_round_competition_id'), ['competition_id'], unique=False)

    op.create_table('deal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('stage_since', sa.Date(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_deal_outcome_id_outcome'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal'))
    )
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_mode'), ['mode'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_outcome_id'), ['outcome_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_started_on'), ['started_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_updated_at'), ['updated_at'], unique=False)

    op.create_table('incubation_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('incubator_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('outcome_id', sa.Integer(), nullable=True),
    sa.Column('cohort', sa.String(length=64), nullable=False),
    sa.Column('phase', sa.String(length=32), nullable=False),
    sa.Column('phase_since', sa.Date(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['organization.id'], name=op.f('fk_incubation_project_company_id_organization'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['incubator_id'], ['organization.id'], name=op.f('fk_incubation_project_incubator_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_incubation_project_outcome_id_outcome'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incubation_project'))
    )
    with op.batch_alter_table('incubation_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incubation_project_cohort'), ['cohort'], unique=False)
        batch_op.create_index(batch_op.f('ix_incubation_project_incubator_id'), ['incubator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incubation_project_phase'), ['phase'], unique=False)

    op.create_table('tech_manager_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_tech_manager_assignment_expert_id_expert'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_tech_manager_assignment_outcome_id_outcome'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tech_manager_assignment')),
    sa.UniqueConstraint('outcome_id', 'expert_id', name=op.f('uq_tech_manager_assignment_outcome_id'))
    )
    with op.batch_alter_table('tech_manager_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tech_manager_assignment_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tech_manager_assignment_outcome_id'), ['outcome_id'], unique=False)

    op.create_table('deal_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=32), nullable=False),
    sa.Column('to_stage', sa.String(length=32), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_deal_event_deal_id_deal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_event'))
    )
    with op.batch_alter_table('deal_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_event_deal_id'), ['deal_id'], unique=False)

    op.create_table('deal_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_deal_party_deal_id_deal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_deal_party_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_party')),
    sa.UniqueConstraint('deal_id', 'organization_id', name=op.f('uq_deal_party_deal_id'))
    )
    with op.batch_alter_table('deal_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_party_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_party_organization_id'), ['organization_id'], unique=False)

    op.create_table('declared_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['competition_entry.id'], name=op.f('fk_declared_conflict_entry_id_competition_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_declared_conflict_expert_id_expert'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declared_conflict')),
    sa.UniqueConstraint('entry_id', 'expert_id', name=op.f('uq_declared_conflict_entry_id'))
    )
    with op.batch_alter_table('declared_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declared_conflict_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declared_conflict_expert_id'), ['expert_id'], unique=False)

    op.create_table('incubation_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['incubation_project.id'], name=op.f('fk_incubation_milestone_project_id_incubation_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incubation_milestone'))
    )
    with op.batch_alter_table('incubation_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incubation_milestone_project_id'), ['project_id'], unique=False)

    op.create_table('incubation_phase_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=32), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['incubation_project.id'], name=op.f('fk_incubation_phase_event_project_id_incubation_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incubation_phase_event'))
    )
    with op.batch_alter_table('incubation_phase_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incubation_phase_event_project_id'), ['project_id'], unique=False)

    op.create_table('panel_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=True),
    sa.Column('total', sa.Float(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('scored_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['competition_entry.id'], name=op.f('fk_panel_assignment_entry_id_competition_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_panel_assignment_expert_id_expert'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['competition_round.id'], name=op.f('fk_panel_assignment_round_id_competition_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_assignment')),
    sa.UniqueConstraint('round_id', 'entry_id', 'expert_id', name=op.f('uq_panel_assignment_round_id'))
    )
    with op.batch_alter_table('panel_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_assignment_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_assignment_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_assignment_round_id'), ['round_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('panel_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_assignment_round_id'))
        batch_op.drop_index(batch_op.f('ix_panel_assignment_expert_id'))
        batch_op.drop_index(batch_op.f('ix_panel_assignment_entry_id'))

    op.drop_table('panel_assignment')
    with op.batch_alter_table('incubation_phase_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incubation_phase_event_project_id'))

    op.drop_table('incubation_phase_event')
    with op.batch_alter_table('incubation_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incubation_milestone_project_id'))

    op.drop_table('incubation_milestone')
    with op.batch_alter_table('declared_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declared_conflict_expert_id'))
        batch_op.drop_index(batch_op.f('ix_declared_conflict_entry_id'))

    op.drop_table('declared_conflict')
    with op.batch_alter_table('deal_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_party_organization_id'))
        batch_op.drop_index(batch_op.f('ix_deal_party_deal_id'))

    op.drop_table('deal_party')
    with op.batch_alter_table('deal_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_event_deal_id'))

    op.drop_table('deal_event')
    with op.batch_alter_table('tech_manager_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tech_manager_assignment_outcome_id'))
        batch_op.drop_index(batch_op.f('ix_tech_manager_assignment_expert_id'))

    op.drop_table('tech_manager_assignment')
    with op.batch_alter_table('incubation_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incubation_project_phase'))
        batch_op.drop_index(batch_op.f('ix_incubation_project_incubator_id'))
        batch_op.drop_index(batch_op.f('ix_incubation_project_cohort'))

    op.drop_table('incubation_project')
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_updated_at'))
        batch_op.drop_index(batch_op.f('ix_deal_started_on'))
        batch_op.drop_index(batch_op.f('ix_deal_stage'))
        batch_op.drop_index(batch_op.f('ix_deal_outcome_id'))
        batch_op.drop_index(batch_op.f('ix_deal_mode'))

    op.drop_table('deal')
    with op.batch_alter_table('competition_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_round_competition_id'))

    op.drop_table('competition_round')
    with op.batch_alter_table('competition_judge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_judge_expert_id'))
        batch_op.drop_index(batch_op.f('ix_competition_judge_competition_id'))

    op.drop_table('competition_judge')
    with op.batch_alter_table('competition_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_entry_competition_id'))

    op.drop_table('competition_entry')
    with op.batch_alter_table('expert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_organization_id'))

    op.drop_table('expert')
    op.drop_table('competition')
