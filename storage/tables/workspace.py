from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class WorkspaceState(enum.StrEnum):
    INSTALLED = "installed"
    UNINSTALLED = "uninstalled"  # tokens deleted, schedules stopped, pending messages parked; data kept
    PURGED = "purged"            # kept UNINSTALLED_DATA_DAYS, then its data was deleted


class Workspace(SQLModel, table=True):
    """A Slack workspace (team) Crisp serves: installed or not, and its own alert settings."""

    __tablename__ = "workspace"
    __table_args__ = (
        Index("uq_workspace_alert_token", "alert_token_hash", unique=True),
        Index("ix_workspace_state", "state", "uninstalled_at"),
    )

    team_id: str = Field(primary_key=True, max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)
    state: str = Field(default=WorkspaceState.INSTALLED, max_length=16)
    installed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    uninstalled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # `/crisp alerts channel #x`: where alerts of this workspace that match no project go (OAuth mode;
    # in single-workspace mode ALERT_CHANNEL, when set, wins).
    alert_channel: str | None = Field(default=None, max_length=32)
    # `/crisp alerts token`: SHA-256 (hex) of the workspace's alert token; the token itself is shown once.
    alert_token_hash: str | None = Field(default=None, max_length=64)
    alert_token_set_by: str | None = Field(default=None, max_length=32)
    alert_token_set_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
