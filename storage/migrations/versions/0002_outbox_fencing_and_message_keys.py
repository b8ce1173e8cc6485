"""Outbox fencing and message keys: a fencing token per claim, the "already posted?" lookup's
state, who asked for each call, and posted messages kept under a domain key beyond the purge.

Updates and thread replies used to point at their message's outbox row (ref_id), which the weekly
purge deletes; they now name it by key (ref_key). Rows referred to by ref_id get the key
"outbox:<id>" (and, when sent, a slack_message row), so nothing in flight loses its message.

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slack_message',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('ts', sa.String(length=32), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'key')
    )
    # Plain ADD COLUMN, not a batch: SQLite would rebuild the table, and dropping the old one (foreign
    # keys on) would null every ref_id before the keys below are derived from it.
    op.add_column('outbox', sa.Column('fence', sa.Integer(), nullable=False, server_default=sa.text('0')))
    op.add_column('outbox', sa.Column('post_started_at', sa.DateTime(), nullable=True))
    op.add_column('outbox', sa.Column('lookup_mark', sa.String(length=32), nullable=True))
    op.add_column('outbox', sa.Column('message_key', sa.String(length=160), nullable=True))
    op.add_column('outbox', sa.Column('ref_key', sa.String(length=160), nullable=True))
    op.add_column('outbox', sa.Column('requested_by', sa.String(length=32), nullable=True))

    ref_key = "'outbox:' || CAST(ref_id AS VARCHAR(20))"
    op.execute(f"UPDATE outbox SET message_key = 'outbox:' || CAST(id AS VARCHAR(20)) "
               f"WHERE id IN (SELECT ref_id FROM outbox WHERE ref_id IS NOT NULL)")
    op.execute("INSERT INTO slack_message (team_id, key, channel, ts, posted_at) "
               "SELECT team_id, message_key, result_channel, result_ts, COALESCE(sent_at, created_at) FROM outbox "
               "WHERE message_key IS NOT NULL AND status = 'sent' "
               "AND result_channel IS NOT NULL AND result_ts IS NOT NULL")
    op.execute(f"UPDATE outbox SET ref_key = {ref_key} WHERE ref_id IS NOT NULL")
    op.execute(f"UPDATE outbox SET replace_key = 'update:' || team_id || ':' || {ref_key} "
               f"WHERE ref_id IS NOT NULL AND method = 'chat.update'")

    # A post in flight under the previous version was not marked before its call: whoever takes it
    # over must look for it first.
    op.execute("UPDATE outbox SET maybe_sent = true WHERE status = 'sending' AND method = 'chat.postMessage'")

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('ref_id')  # its foreign key goes with it (SQLite rebuilds the table)
        batch_op.create_index('ix_outbox_ref_key', ['team_id', 'ref_key'], unique=False)
        batch_op.create_index('uq_outbox_message_key', ['team_id', 'message_key'], unique=True)


def downgrade() -> None:
    # Updates and replies still waiting lose the link to their message (they then fail as "never
    # posted"): keys have no row id to go back to, and SQLite's table rebuild would null ref_id anyway.
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('uq_outbox_message_key')
        batch_op.drop_index('ix_outbox_ref_key')
        batch_op.add_column(sa.Column('ref_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('outbox_ref_id_fkey', 'outbox', ['ref_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('requested_by')
        batch_op.drop_column('ref_key')
        batch_op.drop_column('message_key')
        batch_op.drop_column('lookup_mark')
        batch_op.drop_column('post_started_at')
        batch_op.drop_column('fence')
    op.drop_table('slack_message')
