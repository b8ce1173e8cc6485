"""Outbox: whether Slack answered a row's latest post attempt. An unanswered one (a timeout, or a worker
that died mid-call) may still be applied late, so the "already posted?" lookup waits
OUTBOX_LATE_APPLY_SECONDS past it; an answered one is looked for at once.

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows count as unanswered: the safe side.
    op.add_column('outbox', sa.Column('post_answered', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('post_answered')
