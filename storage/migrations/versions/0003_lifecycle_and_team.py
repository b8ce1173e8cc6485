"""Lifecycle and team: phase transitions, exit-checklist ticks, role assignments, stakeholders,
and the project's goal and success metric.

Existing projects get their start as a first transition, so history and time in phase cover them.

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CURRENT = sa.text('removed_at IS NULL')


def upgrade() -> None:
    op.add_column('project', sa.Column('goal', sa.String(length=500), nullable=True))
    op.add_column('project', sa.Column('success_metric', sa.String(length=500), nullable=True))

    op.create_table('phase_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('from_phase', sa.String(length=32), nullable=True),
    sa.Column('to_phase', sa.String(length=32), nullable=False),
    sa.Column('backward', sa.Boolean(), nullable=False),
    sa.Column('iteration', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.String(length=32), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('open_items', sa.Integer(), nullable=False),
    sa.Column('request_key', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_phase_transition_project_id_id', 'phase_transition', ['project_id', 'id'])
    op.create_index('uq_phase_transition_request', 'phase_transition', ['project_id', 'request_key'], unique=True)

    op.create_table('checklist_tick',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('iteration', sa.Integer(), nullable=False),
    sa.Column('task_key', sa.String(length=48), nullable=False),
    sa.Column('ticked_by', sa.String(length=32), nullable=False),
    sa.Column('ticked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'iteration', 'task_key')
    )

    op.create_table('role_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('assigned_by', sa.String(length=32), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('removed_by', sa.String(length=32), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('uq_role_assignment_current', 'role_assignment', ['project_id', 'user_id', 'role'],
                    unique=True, sqlite_where=CURRENT, postgresql_where=CURRENT)
    op.create_index('ix_role_assignment_user', 'role_assignment', ['team_id', 'user_id'])
    op.create_index('ix_role_assignment_project_id_id', 'role_assignment', ['project_id', 'id'])

    op.create_table('stakeholder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('added_by', sa.String(length=32), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('removed_by', sa.String(length=32), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('uq_stakeholder_current', 'stakeholder', ['project_id', 'user_id'],
                    unique=True, sqlite_where=CURRENT, postgresql_where=CURRENT)
    op.create_index('ix_stakeholder_project_id_id', 'stakeholder', ['project_id', 'id'])

    # Every existing project began with a move into its first phase.
    op.execute("INSERT INTO phase_transition (project_id, from_phase, to_phase, backward, iteration, actor_id, "
               "open_items, created_at) "
               "SELECT id, NULL, phase, false, iteration, created_by, 0, phase_since FROM project")


def downgrade() -> None:
    op.drop_index('ix_stakeholder_project_id_id', table_name='stakeholder')
    op.drop_index('uq_stakeholder_current', table_name='stakeholder')
    op.drop_table('stakeholder')
    op.drop_index('ix_role_assignment_project_id_id', table_name='role_assignment')
    op.drop_index('ix_role_assignment_user', table_name='role_assignment')
    op.drop_index('uq_role_assignment_current', table_name='role_assignment')
    op.drop_table('role_assignment')
    op.drop_table('checklist_tick')
    op.drop_index('uq_phase_transition_request', table_name='phase_transition')
    op.drop_index('ix_phase_transition_project_id_id', table_name='phase_transition')
    op.drop_table('phase_transition')
    with op.batch_alter_table('project') as batch:
        batch.drop_column('success_metric')
        batch.drop_column('goal')
