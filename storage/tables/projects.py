from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

ACTIVE = text("archived_at IS NULL")


class Project(SQLModel, table=True):
    """An ML project, bound to one Slack channel of one workspace while it is active."""

    __tablename__ = "project"
    __table_args__ = (
        # One active project per channel, and slugs unique among a team's active projects;
        # archived ones keep their rows (history) without blocking a successor.
        Index("uq_project_active_channel", "team_id", "channel_id", unique=True,
              sqlite_where=ACTIVE, postgresql_where=ACTIVE),
        Index("uq_project_active_slug", "team_id", "slug", unique=True,
              sqlite_where=ACTIVE, postgresql_where=ACTIVE),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    name: str = Field(max_length=80)
    slug: str = Field(max_length=80)
    phase: str = Field(max_length=32)
    phase_since: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    iteration: int = Field(default=1)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    archived_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    archived_by: str | None = Field(default=None, max_length=32)
    # Business understanding: what the project is for, and how success is measured.
    goal: str | None = Field(default=None, max_length=500)
    success_metric: str | None = Field(default=None, max_length=500)
