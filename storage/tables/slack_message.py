from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class SlackMessage(SQLModel, table=True):
    """A message Crisp posted under a key of the domain ("project:12:created", "alert-group:…"):
    where it lives in Slack, so it can be edited or replied to long after its outbox row is gone."""

    __tablename__ = "slack_message"

    team_id: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=160)
    channel: str = Field(max_length=32)
    ts: str = Field(max_length=32)
    posted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
