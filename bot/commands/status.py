from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.views.status import status_card
from bot.views.alert_ops import STATUS_ALERTS_SHOWN
from storage.queries import alerts, team


async def show_status(invocation: Invocation) -> Reply:
    # The project row the dispatcher already read, and one statement for the team.
    snapshot = await team.snapshot(invocation.reads, invocation.project.id)
    open_alerts = await alerts.open_groups(invocation.reads, project_id=invocation.project.id,
                                           limit=STATUS_ALERTS_SHOWN)
    return Reply(status_card(invocation.project, invocation.services.clock.now(), snapshot,
                             invocation.services.settings.slash_command, open_alerts=open_alerts))


COMMANDS = [
    Command(("status",), "the project's status card", show_status, needs_project=True),
]
