"""Milestones, the documentation they (and leaving a phase) ask for, the records people submit, and
feedback on the model's predictions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

OPEN_MILESTONE = text("done_at IS NULL")
OPEN_REQUEST = text("fulfilled_at IS NULL")


class Milestone(SQLModel, table=True):
    """A milestone of a project, in the phase (and iteration) it was added in.

    `name` is kept as typed; `name_key` (case- and space-folded) is what makes names unique per project
    and what `milestone done NAME` looks up. `overdue_announced_at` is the once-only claim of the
    overdue announcement: a process sets it by UPDATE … WHERE overdue_announced_at IS NULL."""

    __tablename__ = "milestone"
    __table_args__ = (
        UniqueConstraint("project_id", "name_key", name="uq_milestone_project_name"),
        # The overdue sweep: open milestones with a due date, not yet announced.
        Index("ix_milestone_open_due", "due", sqlite_where=OPEN_MILESTONE, postgresql_where=OPEN_MILESTONE),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    phase: str = Field(max_length=32)
    iteration: int = Field(default=1)
    due: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    added_by: str = Field(max_length=32)
    added_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    done_by: str | None = Field(default=None, max_length=32)
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    overdue_announced_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class DocRequest(SQLModel, table=True):
    """A request for a phase's record, made once per trigger: a milestone done (`milestone_id`) or the
    phase left (`transition_id`, the move out of it). `asked` lists who was asked and for which role:
    [{"user": "U…", "role": "data-scientist"}, …] (empty when nobody holds the role nor product owner).

    Reminders: `next_reminder_at` is when the sweep sends the next; `reminders_sent` is the once-only
    claim (UPDATE … WHERE reminders_sent = :seen). After the last one `overdue_at` is set and
    `next_reminder_at` cleared. A submission sets `fulfilled_at` and `fulfilled_record_id`."""

    __tablename__ = "doc_request"
    __table_args__ = (
        # One request per trigger (NULLs are distinct on both databases, so each column is unique alone).
        Index("uq_doc_request_milestone", "milestone_id", unique=True),
        Index("uq_doc_request_transition", "transition_id", unique=True),
        Index("ix_doc_request_project", "project_id", "phase", "iteration"),
        Index("ix_doc_request_open_team", "team_id", sqlite_where=OPEN_REQUEST, postgresql_where=OPEN_REQUEST),
        Index("ix_doc_request_reminder", "next_reminder_at", sqlite_where=OPEN_REQUEST,
              postgresql_where=OPEN_REQUEST),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    phase: str = Field(max_length=32)  # canonical name of the phase whose record is asked for
    iteration: int = Field(default=1)
    trigger: str = Field(max_length=16)  # milestone | phase-exit
    milestone_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("milestone.id",
                                                                                        ondelete="CASCADE"),
                                                                    nullable=True))
    transition_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("phase_transition.id",
                                                                                         ondelete="CASCADE"),
                                                                     nullable=True))
    asked: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    requested_by: str = Field(max_length=32)  # who completed the milestone / moved the phase
    requested_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    reminders_sent: int = Field(default=0)
    next_reminder_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    overdue_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    fulfilled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    fulfilled_record_id: int | None = Field(default=None)  # doc_record.id (no FK: the two point at each other)


class DocRecord(SQLModel, table=True):
    """One version of a phase's record (per iteration). Editing stores the next version; the latest
    version is the record. `fields` maps field keys of the phase's form to the text as typed."""

    __tablename__ = "doc_record"
    __table_args__ = (
        UniqueConstraint("project_id", "phase", "iteration", "version", name="uq_doc_record_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    phase: str = Field(max_length=32)
    iteration: int = Field(default=1)
    version: int = Field(default=1)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    link: str | None = Field(default=None, max_length=500)  # an external document, as given
    author: str = Field(max_length=32)
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    request_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("doc_request.id",
                                                                                      ondelete="SET NULL"),
                                                                  nullable=True))


class Feedback(SQLModel, table=True):
    """Feedback on the model's predictions, as typed: from `feedback TEXT` or the message shortcut.
    A shortcut's quoted message (channel, ts) is unique per project, so Slack's retry stores it once."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("uq_feedback_source_message", "project_id", "message_channel", "message_ts", unique=True),
        Index("ix_feedback_project_created", "project_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    text: str = Field(max_length=4000)
    author: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    source: str = Field(max_length=16)  # command | shortcut
    message_channel: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
