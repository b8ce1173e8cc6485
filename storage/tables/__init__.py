"""Every table, imported here so `SQLModel.metadata` knows them all (Alembic compares against it)."""

from storage.tables.audit import AuditEntry
from storage.tables.outbox import OutboxMessage, OutboxStatus, OutboxThrottle
from storage.tables.projects import Project
from storage.tables.slack_message import SlackMessage

__all__ = ["AuditEntry", "OutboxMessage", "OutboxStatus", "OutboxThrottle", "Project", "SlackMessage"]
