"""Digest timeline pictures waiting to be drawn and uploaded (one per digest run), and portfolio digests:
one person's schedule across all their projects and its runs (one per schedule and slot: the claim that
makes a slot run once across processes).

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('portfolio_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('days', sa.String(length=32), nullable=False),
    sa.Column('at_time', sa.String(length=5), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('since', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'user_id', name='uq_portfolio_schedule_user')
    )
    with op.batch_alter_table('portfolio_schedule', schema=None) as batch_op:
        batch_op.create_index('ix_portfolio_schedule_enabled', ['enabled'], unique=False)

    op.create_table('portfolio_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=True),
    sa.Column('slot', sa.DateTime(), nullable=False),
    sa.Column('request_key', sa.String(length=120), nullable=True),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('projects', sa.JSON(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['portfolio_schedule.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schedule_id', 'slot', name='uq_portfolio_run_slot')
    )
    with op.batch_alter_table('portfolio_run', schema=None) as batch_op:
        batch_op.create_index('ix_portfolio_run_user', ['team_id', 'user_id', 'id'], unique=False)
        batch_op.create_index('uq_portfolio_run_request', ['team_id', 'user_id', 'request_key'], unique=True)

    op.create_table('digest_figure',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['schedule_run.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id')
    )
    with op.batch_alter_table('digest_figure', schema=None) as batch_op:
        batch_op.create_index('ix_digest_figure_pending', ['uploaded_at', 'run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('digest_figure', schema=None) as batch_op:
        batch_op.drop_index('ix_digest_figure_pending')

    op.drop_table('digest_figure')
    with op.batch_alter_table('portfolio_run', schema=None) as batch_op:
        batch_op.drop_index('uq_portfolio_run_request')
        batch_op.drop_index('ix_portfolio_run_user')

    op.drop_table('portfolio_run')
    with op.batch_alter_table('portfolio_schedule', schema=None) as batch_op:
        batch_op.drop_index('ix_portfolio_schedule_enabled')

    op.drop_table('portfolio_schedule')
