from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.views.status import status_card
from storage.queries import audit

RECENT_ACTIVITY = 3


async def show_status(invocation: Invocation) -> Reply:
    project = invocation.project
    async with invocation.services.db.session() as session:
        recent = await audit.latest(session, project.id, RECENT_ACTIVITY)
    return Reply(status_card(project, recent, invocation.services.clock.now()))


COMMANDS = [
    Command(("status",), "status", "the project's status card", show_status, needs_project=True),
]
