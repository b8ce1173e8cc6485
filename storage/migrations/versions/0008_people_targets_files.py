"""What Slack says about people (users.info, cached), phase targets, and the bytes of files the outbox uploads.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slack_user',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('real_name', sa.String(length=120), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=True),
    sa.Column('status_emoji', sa.String(length=100), nullable=False),
    sa.Column('status_text', sa.String(length=200), nullable=False),
    sa.Column('status_expiration', sa.DateTime(), nullable=True),
    sa.Column('is_bot', sa.Boolean(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id')
    )
    op.create_table('phase_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Date(), nullable=False),
    sa.Column('set_by', sa.String(length=32), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'phase', name='uq_phase_target_project_phase')
    )
    op.create_table('outbox_file',
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('slack_file_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outbox_id')
    )


def downgrade() -> None:
    op.drop_table('outbox_file')
    op.drop_table('phase_target')
    op.drop_table('slack_user')
