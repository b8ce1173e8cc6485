"""Schedules of team check-ins and stakeholder digests, their runs (one per schedule and slot: the claim
that makes a slot run once across processes) and check-in answers.

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('days', sa.String(length=32), nullable=False),
    sa.Column('at_time', sa.String(length=5), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('since', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'kind', name='uq_schedule_project_kind')
    )
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.create_index('ix_schedule_enabled', ['enabled'], unique=False)

    op.create_table('schedule_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('slot', sa.DateTime(), nullable=False),
    sa.Column('request_key', sa.String(length=120), nullable=True),
    sa.Column('started_by', sa.String(length=32), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('asked', sa.JSON(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('remind_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedule.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schedule_id', 'slot', name='uq_schedule_run_slot')
    )
    with op.batch_alter_table('schedule_run', schema=None) as batch_op:
        batch_op.create_index('ix_schedule_run_open', ['kind', 'closed_at'], unique=False)
        batch_op.create_index('ix_schedule_run_project', ['project_id', 'kind', 'id'], unique=False)
        batch_op.create_index('uq_schedule_run_request', ['project_id', 'request_key'], unique=True)

    op.create_table('checkin_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('progress', sa.String(length=2000), nullable=False),
    sa.Column('blockers', sa.String(length=2000), nullable=False),
    sa.Column('confidence', sa.String(length=16), nullable=False),
    sa.Column('help_needed', sa.String(length=2000), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['schedule_run.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'user_id', name='uq_checkin_answer_run_user')
    )


def downgrade() -> None:
    op.drop_table('checkin_answer')
    with op.batch_alter_table('schedule_run', schema=None) as batch_op:
        batch_op.drop_index('uq_schedule_run_request')
        batch_op.drop_index('ix_schedule_run_project')
        batch_op.drop_index('ix_schedule_run_open')

    op.drop_table('schedule_run')
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.drop_index('ix_schedule_enabled')

    op.drop_table('schedule')
