from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.views.help import help_message


async def show_help(invocation: Invocation) -> Reply:
    has_project = invocation.project is not None
    here = [c for c in invocation.commands.in_help_order if c.applies_here(has_project)]
    usable = [(c.usage, c.summary) for c in here if invocation.caller.may(c.action)]
    refused = len(here) - len(usable)
    return Reply(help_message(invocation.services.settings.slash_command, usable,
                              project_name=invocation.project.name if has_project else None, refused=refused))


COMMANDS = [Command(("help",), "help", "this list", show_help)]
