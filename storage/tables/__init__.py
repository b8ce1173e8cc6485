"""Every table, imported here so `SQLModel.metadata` knows them all (Alembic compares against it)."""

from storage.tables.alerts import Alert, AlertFeedback, AlertGroup, AlertRoute, AlertStorm
from storage.tables.audit import AuditEntry
from storage.tables.docs import DocRecord, DocRequest, Feedback, Milestone
from storage.tables.digests import DigestFigure, PortfolioRun, PortfolioSchedule
from storage.tables.lifecycle import ChecklistTick, PhaseTarget, PhaseTransition, StaleNudge
from storage.tables.outbox import OutboxFile, OutboxMessage, OutboxStatus, OutboxThrottle
from storage.tables.people import SlackUser
from storage.tables.projects import Project
from storage.tables.schedules import (CheckinAnswer, CheckinAway, CheckinEarly, CheckinPrompt, CheckinQuestions,
                                      Schedule, ScheduleRun)
from storage.tables.slack_message import SlackMessage
from storage.tables.slack_installs import SlackBots, SlackInstallations, SlackOAuthStates, SlackTokenLease
from storage.tables.team import RoleAssignment, Stakeholder
from storage.tables.workspace import Workspace, WorkspaceState

__all__ = ["Alert", "AlertFeedback", "AlertGroup", "AlertRoute", "AlertStorm", "AuditEntry", "CheckinAnswer",
           "CheckinAway", "CheckinEarly", "CheckinPrompt", "CheckinQuestions", "ChecklistTick", "DigestFigure",
           "DocRecord", "DocRequest", "Feedback", "Milestone", "OutboxFile", "OutboxMessage", "OutboxStatus",
           "OutboxThrottle", "PhaseTarget", "PhaseTransition", "PortfolioRun", "PortfolioSchedule", "Project",
           "RoleAssignment", "Schedule", "ScheduleRun", "SlackBots", "SlackInstallations", "SlackMessage",
           "SlackOAuthStates", "SlackTokenLease", "SlackUser", "Stakeholder", "StaleNudge", "Workspace",
           "WorkspaceState"]
