"""Schedules (team check-ins and stakeholder digests), the runs they made, and check-in answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Schedule(SQLModel, table=True):
    """When a project's check-ins (or digests) happen: days, a local time and an IANA zone. One per project
    and kind; `off` disables it. Slots before `since` (when it was last set) never run."""

    __tablename__ = "schedule"
    __table_args__ = (
        UniqueConstraint("project_id", "kind", name="uq_schedule_project_kind"),
        Index("ix_schedule_enabled", "enabled"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(max_length=16)  # checkin | digest
    days: str = Field(max_length=32)  # "mon,tue,wed,thu,fri"
    at_time: str = Field(max_length=5)  # "09:00", local to tz
    tz: str = Field(max_length=64)
    enabled: bool = Field(default=True)
    since: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_by: str = Field(max_length=32)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ScheduleRun(SQLModel, table=True):
    """One run of a schedule for one slot (or one asked for now). The unique (schedule, slot) pair is the
    claim: whichever process inserts it runs the slot, in the same transaction that queues its messages."""

    __tablename__ = "schedule_run"
    __table_args__ = (
        UniqueConstraint("schedule_id", "slot", name="uq_schedule_run_slot"),
        # `checkin now` / `digest now`: Slack's retry of the request finds its run made.
        Index("uq_schedule_run_request", "project_id", "request_key", unique=True),
        Index("ix_schedule_run_project", "project_id", "kind", "id"),
        Index("ix_schedule_run_open", "kind", "closed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    schedule_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("schedule.id",
                                                                                      ondelete="CASCADE"),
                                                                   nullable=True))
    kind: str = Field(max_length=16)
    slot: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    request_key: str | None = Field(default=None, max_length=120)
    started_by: str = Field(max_length=32)  # "crisp" for scheduled runs
    skipped: bool = Field(default=False)  # found too late (past the grace): recorded, not run
    asked: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # user ids
    # Members not asked because they were away ({user id: "until YYYY-MM-DD" | "status"}); None: nobody.
    away: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    opened_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    remind_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    reminded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    closes_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class CheckinAnswer(SQLModel, table=True):
    """One person's answer to one check-in run, as typed (edited in place until the window closes)."""

    __tablename__ = "checkin_answer"
    __table_args__ = (UniqueConstraint("run_id", "user_id", name="uq_checkin_answer_run_user"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("schedule_run.id", ondelete="CASCADE"), nullable=False))
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    user_id: str = Field(max_length=32)
    progress: str = Field(default="", max_length=2000)
    blockers: str = Field(default="", max_length=2000)
    confidence: str = Field(max_length=16)  # on-track | at-risk | off-track
    help_needed: str = Field(default="", max_length=2000)
    # Answers to the questions a project added ({question key: text}); None when it added none.
    extra: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    answered_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class CheckinAway(SQLModel, table=True):
    """Someone on leave from a project's check-ins until a date (inclusive): not asked, not reminded, listed
    as away in the summary."""

    __tablename__ = "checkin_away"

    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"),
                                             primary_key=True))
    user_id: str = Field(max_length=32, primary_key=True)
    team_id: str = Field(max_length=32)
    until: date = Field(sa_column=Column(Date, nullable=False))
    set_by: str = Field(max_length=32)
    set_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class CheckinQuestions(SQLModel, table=True):
    """A project's own check-in questions (no row: the default four). `questions` is a list of
    {"key", "text"} in the order the form asks them; the confidence question is always among them."""

    __tablename__ = "checkin_questions"

    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"),
                                             primary_key=True))
    team_id: str = Field(max_length=32)
    questions: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_by: str = Field(max_length=32)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class CheckinEarly(SQLModel, table=True):
    """An answer given from App Home before the run it belongs to exists: kept for (schedule, slot) and
    moved into the run's answers when that run opens (the person is then not asked)."""

    __tablename__ = "checkin_early"
    __table_args__ = (UniqueConstraint("schedule_id", "slot", "user_id", name="uq_checkin_early_slot_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    schedule_id: int = Field(sa_column=Column(Integer, ForeignKey("schedule.id", ondelete="CASCADE"),
                                              nullable=False))
    slot: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))  # the run's slot it is for
    user_id: str = Field(max_length=32)
    answer: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    answered_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class CheckinPrompt(SQLModel, table=True):
    """One member's own window in a `local` check-in run: asked at their slot in their zone. The unique
    (run, user) pair and the claim on `asked_at` make each member asked once, whichever process sweeps."""

    __tablename__ = "checkin_prompt"
    __table_args__ = (UniqueConstraint("run_id", "user_id", name="uq_checkin_prompt_run_user"),
                      Index("ix_checkin_prompt_due", "asked_at", "due_at"),
                      Index("ix_checkin_prompt_remind", "reminded_at", "remind_at"))

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(sa_column=Column(Integer, ForeignKey("schedule_run.id", ondelete="CASCADE"), nullable=False))
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    tz: str = Field(max_length=64)  # the zone the slot was read in (the person's, else DEFAULT_TIMEZONE)
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    asked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    remind_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    reminded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    closes_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
