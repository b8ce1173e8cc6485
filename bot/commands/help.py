"""`help`, and the answers for text that is not a command as typed: a group's first word alone, words a
command does not take, and unknown words (with the closest valid form). All of it comes from the table."""

from __future__ import annotations

from bot.commands.registry import Command, ExtraWords, GroupOnly, Invocation, NoMatch, Reply
from bot.crisp_dm import Phase
from bot.onboarding import guide
from bot.text import unescape_slack
from bot.views import help as views
from bot.views import replies


async def show_help(invocation: Invocation) -> Reply:
    project = invocation.project
    has_project = project is not None
    caller = invocation.caller
    table = invocation.commands.in_help_order
    here = [c for c in table if c.applies_here(has_project)]
    usable = [(c.usage, c.summary) for c in here if caller.may(c.action)]
    locked = [c.usage for c in here if not caller.may(c.action)]
    elsewhere = [c.usage for c in table if not c.applies_here(has_project) and caller.may(c.action)]
    # In a project's channel, the commands that matter in its phase come first.
    phase = Phase(project.phase) if has_project else None
    now = [(c.usage, c.summary) for c in guide.commands_for(phase, invocation.commands)] if has_project else []
    return Reply(views.help_message(invocation.services.settings.slash_command, usable,
                                    project_name=project.name if has_project else None,
                                    refused=len(locked), elsewhere=elsewhere, phase=phase, now=now,
                                    locked=locked))


def unmatched_reply(result: ExtraWords | GroupOnly | NoMatch, slash: str) -> Reply:
    if isinstance(result, ExtraWords):
        return Reply(views.takes_no_arguments(slash, result.command.usage))
    if isinstance(result, GroupOnly):
        return Reply(views.group_listing(slash, result.word, [(c.usage, c.summary) for c in result.group]))
    suggestion = result.suggestion.usage if result.suggestion else None
    # Slash text arrives Slack-escaped; the word is shown as the person typed it.
    return Reply(replies.unknown(unescape_slack(result.word), suggestion, slash, [c.usage for c in result.group]))


COMMANDS = [Command(("help",), "what you can do here", show_help)]
