"""Alerts: routes binding label matches to projects, alert groups (one Slack message each, rendered by
the relay while dirty), their alerts by fingerprint, and feedback per rule.

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('group_key', sa.String(length=64), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.String(length=2000), nullable=False),
    sa.Column('rule', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('common_labels', sa.JSON(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('external_url', sa.String(length=1000), nullable=True),
    sa.Column('alert_count', sa.Integer(), nullable=False),
    sa.Column('firing_count', sa.Integer(), nullable=False),
    sa.Column('truncated', sa.Integer(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by', sa.String(length=32), nullable=True),
    sa.Column('acked_by', sa.String(length=32), nullable=True),
    sa.Column('acked_at', sa.DateTime(), nullable=True),
    sa.Column('silenced_until', sa.DateTime(), nullable=True),
    sa.Column('silenced_until_resolved', sa.Boolean(), nullable=False),
    sa.Column('silenced_by', sa.String(length=32), nullable=True),
    sa.Column('silence_id', sa.String(length=64), nullable=True),
    sa.Column('message_key', sa.String(length=160), nullable=True),
    sa.Column('relayed_status', sa.String(length=16), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('dirty_since', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_group', schema=None) as batch_op:
        batch_op.create_index('ix_alert_group_dirty', ['dirty_since'], unique=False, sqlite_where=sa.text('dirty_since IS NOT NULL'), postgresql_where=sa.text('dirty_since IS NOT NULL'))
        batch_op.create_index('ix_alert_group_project_open', ['project_id', 'status'], unique=False)
        batch_op.create_index('uq_alert_group_key', ['source', 'group_key'], unique=True)

    op.create_table('alert_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('label_key', sa.String(length=100), nullable=False),
    sa.Column('label_value', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_route', schema=None) as batch_op:
        batch_op.create_index('ix_alert_route_project', ['project_id'], unique=False)
        batch_op.create_index('uq_alert_route_match', ['team_id', 'label_key', 'label_value'], unique=True)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('summary', sa.String(length=2000), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('annotations', sa.JSON(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('generator_url', sa.String(length=1000), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('relayed_status', sa.String(length=16), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['alert_group.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index('uq_alert_group_fingerprint', ['group_id', 'fingerprint'], unique=True)

    op.create_table('alert_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('rule', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['alert_group.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_alert_feedback_rule', ['source', 'rule'], unique=False)
        batch_op.create_index('uq_alert_feedback_user', ['group_id', 'user_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('alert_feedback', schema=None) as batch_op:
        batch_op.drop_index('uq_alert_feedback_user')
        batch_op.drop_index('ix_alert_feedback_rule')

    op.drop_table('alert_feedback')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index('uq_alert_group_fingerprint')

    op.drop_table('alert')
    with op.batch_alter_table('alert_route', schema=None) as batch_op:
        batch_op.drop_index('uq_alert_route_match')
        batch_op.drop_index('ix_alert_route_project')

    op.drop_table('alert_route')
    with op.batch_alter_table('alert_group', schema=None) as batch_op:
        batch_op.drop_index('uq_alert_group_key')
        batch_op.drop_index('ix_alert_group_project_open')
        batch_op.drop_index('ix_alert_group_dirty', sqlite_where=sa.text('dirty_since IS NOT NULL'), postgresql_where=sa.text('dirty_since IS NOT NULL'))

    op.drop_table('alert_group')
