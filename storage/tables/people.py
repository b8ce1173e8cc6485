"""What Slack says about the people Crisp deals with (users.info), kept so requests never have to ask."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel
from sqlalchemy import Column

from storage.types import UTCDateTime


class SlackUser(SQLModel, table=True):
    """One person's name, time zone and status as `users.info` last told, and when."""

    __tablename__ = "slack_user"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    display_name: str = Field(default="", max_length=120)
    real_name: str = Field(default="", max_length=120)
    tz: str | None = Field(default=None, max_length=64)  # IANA name
    status_emoji: str = Field(default="", max_length=100)
    status_text: str = Field(default="", max_length=200)
    status_expiration: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    is_bot: bool = Field(default=False)
    deleted: bool = Field(default=False)
    fetched_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
