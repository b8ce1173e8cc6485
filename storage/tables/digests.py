"""Digest timelines waiting to be drawn, and portfolio digests: one person's DM across their projects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class DigestFigure(SQLModel, table=True):
    """The timeline picture of one digest run. The run's transaction queues its DMs and this row; the figure
    job draws the PNG and queues its uploads (one per recipient) off the request's path, then sets
    `uploaded_at`, under a row lock, so it is queued once."""

    __tablename__ = "digest_figure"
    __table_args__ = (Index("ix_digest_figure_pending", "uploaded_at", "run_id"),)

    run_id: int = Field(sa_column=Column(Integer, ForeignKey("schedule_run.id", ondelete="CASCADE"),
                                         primary_key=True))
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    recipients: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # user ids
    queued_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    uploaded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class PortfolioSchedule(SQLModel, table=True):
    """When one person gets their portfolio digest (every project they are a stakeholder or sponsor of).
    Stored per person, not per project: set from any channel. Slots before `since` never run."""

    __tablename__ = "portfolio_schedule"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_portfolio_schedule_user"),
                      Index("ix_portfolio_schedule_enabled", "enabled"))

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    days: str = Field(max_length=32)
    at_time: str = Field(max_length=5)
    tz: str = Field(max_length=64)
    enabled: bool = Field(default=True)
    since: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class PortfolioRun(SQLModel, table=True):
    """One portfolio digest sent (or skipped, found past the grace). Unique per (schedule, slot): the claim
    that makes a slot run once across processes, as for project schedules; `digest portfolio now` runs have
    no schedule and are keyed by their request."""

    __tablename__ = "portfolio_run"
    __table_args__ = (
        UniqueConstraint("schedule_id", "slot", name="uq_portfolio_run_slot"),
        Index("uq_portfolio_run_request", "team_id", "user_id", "request_key", unique=True),
        Index("ix_portfolio_run_user", "team_id", "user_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    schedule_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("portfolio_schedule.id",
                                                                                      ondelete="CASCADE"),
                                                                   nullable=True))
    slot: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    request_key: str | None = Field(default=None, max_length=120)
    skipped: bool = Field(default=False)
    projects: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # project ids shown
    opened_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
