"""Milestones (unique name per project, the overdue announcement claimed once), documentation requests
(one per milestone done or phase left, with their reminder claim), versioned documentation records, and
feedback on the model's predictions (a shortcut's quoted message stored once per project).

Revision ID: 0010
Revises: 0012
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=4000), nullable=False),
    sa.Column('author', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('message_channel', sa.String(length=32), nullable=True),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_project_created', ['project_id', 'created_at'], unique=False)
        batch_op.create_index('uq_feedback_source_message', ['project_id', 'message_channel', 'message_ts'], unique=True)

    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('phase', sa.String(length=32), nullable=False),
    sa.Column('iteration', sa.Integer(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('added_by', sa.String(length=32), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('done_by', sa.String(length=32), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('overdue_announced_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'name_key', name='uq_milestone_project_name')
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index('ix_milestone_open_due', ['due'], unique=False, sqlite_where=sa.text('done_at IS NULL'), postgresql_where=sa.text('done_at IS NULL'))

    op.create_table('doc_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=32), nullable=False),
    sa.Column('iteration', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('transition_id', sa.Integer(), nullable=True),
    sa.Column('asked', sa.JSON(), nullable=False),
    sa.Column('requested_by', sa.String(length=32), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('next_reminder_at', sa.DateTime(), nullable=True),
    sa.Column('overdue_at', sa.DateTime(), nullable=True),
    sa.Column('fulfilled_at', sa.DateTime(), nullable=True),
    sa.Column('fulfilled_record_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['transition_id'], ['phase_transition.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('doc_request', schema=None) as batch_op:
        batch_op.create_index('ix_doc_request_open_team', ['team_id'], unique=False, sqlite_where=sa.text('fulfilled_at IS NULL'), postgresql_where=sa.text('fulfilled_at IS NULL'))
        batch_op.create_index('ix_doc_request_project', ['project_id', 'phase', 'iteration'], unique=False)
        batch_op.create_index('ix_doc_request_reminder', ['next_reminder_at'], unique=False, sqlite_where=sa.text('fulfilled_at IS NULL'), postgresql_where=sa.text('fulfilled_at IS NULL'))
        batch_op.create_index('uq_doc_request_milestone', ['milestone_id'], unique=True)
        batch_op.create_index('uq_doc_request_transition', ['transition_id'], unique=True)

    op.create_table('doc_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=32), nullable=False),
    sa.Column('iteration', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('author', sa.String(length=32), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['doc_request.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'phase', 'iteration', 'version', name='uq_doc_record_version')
    )


def downgrade() -> None:
    op.drop_table('doc_record')
    with op.batch_alter_table('doc_request', schema=None) as batch_op:
        batch_op.drop_index('uq_doc_request_transition')
        batch_op.drop_index('uq_doc_request_milestone')
        batch_op.drop_index('ix_doc_request_reminder', sqlite_where=sa.text('fulfilled_at IS NULL'), postgresql_where=sa.text('fulfilled_at IS NULL'))
        batch_op.drop_index('ix_doc_request_project')
        batch_op.drop_index('ix_doc_request_open_team', sqlite_where=sa.text('fulfilled_at IS NULL'), postgresql_where=sa.text('fulfilled_at IS NULL'))

    op.drop_table('doc_request')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_open_due', sqlite_where=sa.text('done_at IS NULL'), postgresql_where=sa.text('done_at IS NULL'))

    op.drop_table('milestone')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('uq_feedback_source_message')
        batch_op.drop_index('ix_feedback_project_created')

    op.drop_table('feedback')
