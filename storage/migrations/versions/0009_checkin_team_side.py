"""The team side of check-ins: who is away until when, a project's own questions (and answers to the ones it
added), answers given early from App Home, one prompt per member of a `local` run (its own due time, unique per
run and member), and the stale-phase nudges (unique per project and due time, so one process posts each).

Revision ID: 0009
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('checkin_away',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('set_by', sa.String(length=32), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'user_id')
    )
    op.create_table('checkin_questions',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('stale_nudge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('nudged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'due_at', name='uq_stale_nudge_project_due')
    )
    op.create_table('checkin_early',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedule.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schedule_id', 'slot', 'user_id', name='uq_checkin_early_slot_user')
    )
    op.create_table('checkin_prompt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=True),
    sa.Column('remind_at', sa.DateTime(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['schedule_run.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'user_id', name='uq_checkin_prompt_run_user')
    )
    with op.batch_alter_table('checkin_prompt', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_prompt_due', ['asked_at', 'due_at'], unique=False)
        batch_op.create_index('ix_checkin_prompt_remind', ['reminded_at', 'remind_at'], unique=False)

    with op.batch_alter_table('checkin_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra', sa.JSON(), nullable=True))

    with op.batch_alter_table('schedule_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('schedule_run', schema=None) as batch_op:
        batch_op.drop_column('away')

    with op.batch_alter_table('checkin_answer', schema=None) as batch_op:
        batch_op.drop_column('extra')

    with op.batch_alter_table('checkin_prompt', schema=None) as batch_op:
        batch_op.drop_index('ix_checkin_prompt_remind')
        batch_op.drop_index('ix_checkin_prompt_due')

    op.drop_table('checkin_prompt')
    op.drop_table('checkin_early')
    op.drop_table('stale_nudge')
    op.drop_table('checkin_questions')
    op.drop_table('checkin_away')
