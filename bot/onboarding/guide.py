"""The three commands that matter now: for a channel without a project, and for each CRISP-DM phase.

Preferences are listed by command words; only commands the table has are offered (so a command another
part of Crisp has not shipped yet is skipped, and the next preference takes its place)."""

from __future__ import annotations

import functools

from bot.commands.registry import Command, CommandTable
from bot.crisp_dm import Phase

GUIDE_SIZE = 3

PREFERENCES: dict[Phase | None, tuple[tuple[str, ...], ...]] = {
    None: (("project", "create"), ("help",), ("project", "list")),
    Phase.BUSINESS_UNDERSTANDING: (("project", "goal"), ("project", "metric"), ("role", "add"), ("phase",),
                                   ("roles",), ("status",)),
    Phase.DATA_UNDERSTANDING: (("phase",), ("role", "add"), ("phase", "next"), ("roles",), ("status",)),
    Phase.DATA_PREPARATION: (("phase",), ("roles",), ("phase", "next"), ("status",), ("role", "add")),
    Phase.MODELING: (("phase",), ("roles",), ("phase", "next"), ("status",), ("role", "add")),
    Phase.EVALUATION: (("phase",), ("phase", "set"), ("phase", "history"), ("status",), ("roles",),
                       ("stakeholder", "add")),
    Phase.DEPLOYMENT: (("phase",), ("role", "add"), ("stakeholder", "add"), ("roles",), ("status",)),
}


@functools.cache
def _table() -> CommandTable:
    # Imported here: the dispatcher imports the services that post the guide.
    from bot.commands.dispatch import command_table
    return command_table()


def commands_for(phase: Phase | str | None, table: CommandTable | None = None) -> list[Command]:
    """The GUIDE_SIZE commands that matter now, in order of preference, all of them in `table`."""
    by_words = {command.words: command for command in (table or _table()).in_help_order}
    key = Phase(phase) if phase is not None else None
    found = [by_words[words] for words in PREFERENCES[key] if words in by_words]
    return found[:GUIDE_SIZE]
