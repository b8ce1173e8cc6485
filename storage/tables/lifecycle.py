"""A project's lifecycle: every phase move, and the exit-checklist items ticked per phase visit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class PhaseTransition(SQLModel, table=True):
    """One move between phases, never updated. Moving back starts a new iteration."""

    __tablename__ = "phase_transition"
    __table_args__ = (
        Index("ix_phase_transition_project_id_id", "project_id", "id"),
        # Slack retries a request with the same id; the move it asked for is stored once.
        Index("uq_phase_transition_request", "project_id", "request_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    from_phase: str | None = Field(default=None, max_length=32)  # None: the project's start
    to_phase: str = Field(max_length=32)
    backward: bool = Field(default=False)
    iteration: int = Field(default=1)  # the iteration the project is in after this move
    actor_id: str = Field(max_length=32)
    note: str | None = Field(default=None, max_length=500)
    open_items: int = Field(default=0)  # checklist items left open in the phase that was left
    request_key: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ChecklistTick(SQLModel, table=True):
    """A ticked exit-checklist item (a CRISP-DM generic task) in one iteration of a project.

    Unticking deletes the row; the audit log keeps both."""

    __tablename__ = "checklist_tick"

    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"),
                                             primary_key=True))
    iteration: int = Field(primary_key=True)
    task_key: str = Field(primary_key=True, max_length=48)
    ticked_by: str = Field(max_length=32)
    ticked_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class PhaseTarget(SQLModel, table=True):
    """When a phase is expected to end. One per project and phase: setting it again replaces the date
    (the audit log keeps earlier ones)."""

    __tablename__ = "phase_target"
    __table_args__ = (UniqueConstraint("project_id", "phase", name="uq_phase_target_project_phase"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    phase: str = Field(max_length=32)
    target: date = Field(sa_column=Column(Date, nullable=False))
    set_by: str = Field(max_length=32)
    set_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class StaleNudge(SQLModel, table=True):
    """A gentle question posted in a quiet project's channel. `due_at` is when the quiet became long enough
    (last activity, or the previous nudge's due time, plus STALE_PHASE_DAYS): every process computes the
    same one from the tables, so the unique (project, due_at) pair lets exactly one of them post it."""

    __tablename__ = "stale_nudge"
    __table_args__ = (UniqueConstraint("project_id", "due_at", name="uq_stale_nudge_project_due"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    phase: str = Field(max_length=32)
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    nudged_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
