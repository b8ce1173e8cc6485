"""Workspaces Crisp serves: installed or uninstalled (and when), each one's alert channel and the hash of
its alert token.

Revision ID: 0013
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workspace',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('enterprise_id', sa.String(length=32), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('installed_at', sa.DateTime(), nullable=False),
    sa.Column('uninstalled_at', sa.DateTime(), nullable=True),
    sa.Column('alert_channel', sa.String(length=32), nullable=True),
    sa.Column('alert_token_hash', sa.String(length=64), nullable=True),
    sa.Column('alert_token_set_by', sa.String(length=32), nullable=True),
    sa.Column('alert_token_set_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('team_id')
    )
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.create_index('ix_workspace_state', ['state', 'uninstalled_at'], unique=False)
        batch_op.create_index('uq_workspace_alert_token', ['alert_token_hash'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.drop_index('uq_workspace_alert_token')
        batch_op.drop_index('ix_workspace_state')
    op.drop_table('workspace')
