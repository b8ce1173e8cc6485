"""`feedback TEXT`: parse, call the feedback service, render."""

from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.feedback import service
from bot.permissions import Action
from bot.views import feedback as views


async def give(invocation: Invocation) -> Reply:
    given = await service.from_command(invocation.services, invocation.caller, invocation.project, invocation.args)
    return Reply(views.given_reply(given.new))


COMMANDS = [
    Command(("feedback",), "record feedback on the model's predictions (counted in the digest)", give, args="TEXT",
            action=Action.CONTRIBUTE, needs_project=True),
]
