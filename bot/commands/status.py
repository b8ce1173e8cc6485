from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.views.status import status_card


async def show_status(invocation: Invocation) -> Reply:
    # Everything on the card is a column of the project row the dispatcher already read.
    return Reply(status_card(invocation.project, invocation.services.clock.now()))


COMMANDS = [
    Command(("status",), "the project's status card", show_status, needs_project=True),
]
