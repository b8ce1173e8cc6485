"""`docs export`: queue the export, answer at once."""

from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.export import service
from bot.views import export as views


async def export(invocation: Invocation) -> Reply:
    new = await service.request(invocation.services, invocation.caller, invocation.project, invocation.request_key)
    return Reply(views.on_its_way(invocation.project, new))


COMMANDS = [
    Command(("docs", "export"), "share the project's whole record in this channel as one Markdown file", export,
            needs_project=True),
]
