"""Alerts relayed from monitoring (Alertmanager, Grafana, Evidently, generic senders): routes that bind
label matches to projects, alert groups (one Slack message each), their alerts, and feedback on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

DIRTY = text("dirty_since IS NOT NULL")
OPEN_GROUP = text("status = 'firing'")


class AlertRoute(SQLModel, table=True):
    """Alerts whose labels carry `label_key=label_value` are relayed to the project's channel."""

    __tablename__ = "alert_route"
    __table_args__ = (
        # One project per label match in a workspace: a match routing to two channels would be a guess.
        Index("uq_alert_route_match", "team_id", "label_key", "label_value", unique=True),
        Index("ix_alert_route_project", "project_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    label_key: str = Field(max_length=100)
    label_value: str = Field(max_length=200)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AlertGroup(SQLModel, table=True):
    """Alerts a sender groups together (Alertmanager/Grafana `groupKey`; a fingerprint for the others):
    one Slack message, edited as the group changes.

    The relay renders groups whose `dirty_since` is set and clears it; `revision` counts visible
    changes. What the message last showed per alert is in `alert.relayed_status`, so the thread reply
    after a change says exactly what changed since the last message."""

    __tablename__ = "alert_group"
    __table_args__ = (
        # One sender's group key names one group, whatever workspace it is routed to.
        Index("uq_alert_group_key", "source", "group_key", unique=True),
        Index("ix_alert_group_dirty", "dirty_since", sqlite_where=DIRTY, postgresql_where=DIRTY),
        Index("ix_alert_group_project_open", "project_id", "status"),
        Index("ix_alert_group_storm", "storm_id", "storm_slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None until known: the workspace comes from the routed project, or the bot's own for ALERT_CHANNEL.
    team_id: str | None = Field(default=None, max_length=32)
    source: str = Field(max_length=16)  # alertmanager | grafana | evidently | generic
    group_key: str = Field(max_length=64)  # sha256 hex of the sender's group key (those can be long)
    project_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("project.id", ondelete="SET NULL"), nullable=True))
    channel_id: str | None = Field(default=None, max_length=32)  # None: no project and no ALERT_CHANNEL
    status: str = Field(default="firing", max_length=16)  # firing | resolved
    severity: str = Field(default="warning", max_length=32)
    title: str = Field(max_length=300)
    summary: str = Field(default="", max_length=2000)
    # The alert rule, for feedback per rule (alertname, Grafana rule uid, Evidently test).
    rule: str = Field(default="", max_length=200)
    # "drift", "performance" or "": drift and performance alerts mention the project's ML people.
    kind: str = Field(default="", max_length=16)
    common_labels: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    links: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Where the sender lives (Alertmanager's externalURL): silences go there.
    external_url: str | None = Field(default=None, max_length=1000)
    alert_count: int = Field(default=0)
    firing_count: int = Field(default=0)
    # Alerts the sender left out of its body (Alertmanager's truncatedAlerts).
    truncated: int = Field(default=0)
    first_seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # When it started firing (the earliest alert start), and when it stopped.
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    resolved_by: str | None = Field(default=None, max_length=32)  # resolved by hand from Slack
    acked_by: str | None = Field(default=None, max_length=32)
    acked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    silenced_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    silenced_until_resolved: bool = Field(default=False)
    silenced_by: str | None = Field(default=None, max_length=32)
    # Alertmanager silence created for this group (its id there), expired on Unsilence.
    silence_id: str | None = Field(default=None, max_length=64)
    # The Slack message (an outbox message key) once the relay has posted it.
    message_key: str | None = Field(default=None, max_length=160)
    relayed_status: str | None = Field(default=None, max_length=16)  # the group status the message shows
    revision: int = Field(default=0)
    # Set when something visible changed and the relay has not rendered it yet; a moment ahead of now
    # when only a thread reply is left and the channel's alert budget asks it to wait (storms).
    dirty_since: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # The revision the group's own message (or its storm line) last showed.
    rendered_revision: int | None = Field(default=None)
    # When the relay last replied in the group's thread (replies are coalesced while a channel is busy).
    noted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # A group that arrived while its channel was over its alert budget is shown in that storm's summary
    # (line `storm_slot` of its thread list) instead of a message of its own. No foreign key: storms are
    # never deleted, and SQLite would rebuild the table for one.
    storm_id: int | None = Field(default=None)
    storm_slot: int | None = Field(default=None)


class Alert(SQLModel, table=True):
    """One alert of a group, by the sender's fingerprint (or one derived from its labels)."""

    __tablename__ = "alert"
    __table_args__ = (Index("uq_alert_group_fingerprint", "group_id", "fingerprint", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(sa_column=Column(Integer, ForeignKey("alert_group.id", ondelete="CASCADE"), nullable=False))
    fingerprint: str = Field(max_length=64)
    status: str = Field(max_length=16)  # firing | resolved
    summary: str = Field(default="", max_length=2000)
    labels: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    annotations: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    links: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    generator_url: str | None = Field(default=None, max_length=1000)
    # A digest of what the message shows of this alert: a repeat with the same digest changes nothing.
    digest: str = Field(max_length=64)
    relayed_status: str | None = Field(default=None, max_length=16)  # what the message last showed
    first_seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AlertFeedback(SQLModel, table=True):
    """Whether a person found an alert useful or noise, kept per rule so digests can judge rules."""

    __tablename__ = "alert_feedback"
    __table_args__ = (
        Index("uq_alert_feedback_user", "group_id", "user_id", unique=True),
        Index("ix_alert_feedback_rule", "source", "rule"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    group_id: int = Field(sa_column=Column(Integer, ForeignKey("alert_group.id", ondelete="CASCADE"), nullable=False))
    source: str = Field(max_length=16)
    rule: str = Field(max_length=200)
    user_id: str = Field(max_length=32)
    verdict: str = Field(max_length=8)  # useful | noise
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AlertStorm(SQLModel, table=True):
    """More new alert groups for one channel than it may receive: one summary message (edited in place)
    whose thread lists the groups, a page of lines per reply (each edited in place too)."""

    __tablename__ = "alert_storm"
    __table_args__ = (Index("ix_alert_storm_channel", "team_id", "channel_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    message_key: str = Field(max_length=160)  # the summary's outbox message key; pages add ":p<n>"
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # The storm takes every new group of its channel until none arrived for a while (then it is over).
    last_added_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    size: int = Field(default=0)          # groups rolled in (their storm_slot is 0..size-1)
    pages_posted: int = Field(default=0)  # thread pages posted so far
