from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"          # waiting for its turn (or for a retry)
    SENDING = "sending"          # claimed by a worker until lease_until
    SENT = "sent"                # Slack accepted it; result_ts/result_channel hold the answer
    FAILED = "failed"            # Slack refused it for good, or it kept failing past the deadline
    SUPERSEDED = "superseded"    # a newer row with the same replace_key made it pointless


OPEN = text("status IN ('pending', 'sending')")


class OutboxMessage(SQLModel, table=True):
    """One outbound Slack Web API call, stored before it is made."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_open_lane", "lane", "id", sqlite_where=OPEN, postgresql_where=OPEN),
        Index("ix_outbox_open_due", "next_attempt_at", sqlite_where=OPEN, postgresql_where=OPEN),
        Index("ix_outbox_replace_key", "replace_key"),
        Index("uq_outbox_dedupe_key", "dedupe_key", unique=True),
        # One post per message key: updates and replies find their message by it.
        Index("uq_outbox_message_key", "team_id", "message_key", unique=True),
        Index("ix_outbox_ref_key", "team_id", "ref_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    method: str = Field(max_length=64)
    # Calls in one lane (a channel, a DM, a user's Home tab) go out one at a time, in id order.
    lane: str = Field(max_length=96)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # Fencing token: raised by every claim. A worker acts on a row (each Slack call, renewal, settling)
    # only while the row still carries the token it claimed it with.
    fence: int = Field(default=0)
    # A post attempt may have reached Slack (timeout, 5xx, worker died mid-call): look for the
    # message before posting again.
    maybe_sent: bool = Field(default=False)
    first_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # When the latest post attempt started: the "already posted?" lookup searches around it.
    post_started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # Slack answered that post attempt (even with an error), so it is not still working on it.
    post_answered: bool = Field(default=False)
    # Where an unfinished lookup stopped (a message ts), so the next attempt goes on from there.
    lookup_mark: str | None = Field(default=None, max_length=32)
    # A post may name its message with a key (e.g. "project:12:created"); once sent, the key's
    # (channel, ts) is kept in slack_message, beyond this row's life.
    message_key: str | None = Field(default=None, max_length=160)
    # An update or thread reply names the message it needs by its key; ref_field is where its ts goes.
    ref_key: str | None = Field(default=None, max_length=160)
    ref_field: str | None = Field(default=None, max_length=16)
    # The Slack user whose action caused this call: told when it fails for good.
    requested_by: str | None = Field(default=None, max_length=32)
    replace_key: str | None = Field(default=None, max_length=191)
    dedupe_key: str | None = Field(default=None, max_length=191)
    result_channel: str | None = Field(default=None, max_length=32)
    result_ts: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class OutboxThrottle(SQLModel, table=True):
    """Pacing state per lane (1 message/s with a small burst) and per rate-limited method."""

    __tablename__ = "outbox_throttle"

    key: str = Field(primary_key=True, max_length=128)
    # Generic cell rate algorithm: the theoretical arrival time of the next call.
    tat: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # Nothing in this lane (or of this method) is sent before ready_at.
    ready_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class OutboxFile(SQLModel, table=True):
    """The bytes of a file an outbox row uploads (Slack's files upload v2 flow), and how far it got:
    once Slack has the bytes, `slack_file_id` names them, so a retry only completes the share."""

    __tablename__ = "outbox_file"

    outbox_id: int = Field(sa_column=Column(Integer, ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True))
    filename: str = Field(max_length=255)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    slack_file_id: str | None = Field(default=None, max_length=32)
