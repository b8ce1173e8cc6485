"""Alert storms: a summary message per channel for groups beyond its alert budget, and per group what its
message last showed and when its thread last got a reply (replies are coalesced while a channel is busy).

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_storm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('message_key', sa.String(length=160), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('last_added_at', sa.DateTime(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pages_posted', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_storm', schema=None) as batch_op:
        batch_op.create_index('ix_alert_storm_channel', ['team_id', 'channel_id', 'id'], unique=False)

    with op.batch_alter_table('alert_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rendered_revision', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('noted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('storm_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('storm_slot', sa.Integer(), nullable=True))
        batch_op.create_index('ix_alert_group_storm', ['storm_id', 'storm_slot'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alert_group', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_group_storm')
        batch_op.drop_column('storm_slot')
        batch_op.drop_column('storm_id')
        batch_op.drop_column('noted_at')
        batch_op.drop_column('rendered_revision')

    with op.batch_alter_table('alert_storm', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_storm_channel')

    op.drop_table('alert_storm')
