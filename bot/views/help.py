"""The help answer, the listing of one group of commands, and the hint for words a command does not take."""

from __future__ import annotations

from typing import Any

from bot.crisp_dm import Phase
from bot.views import guide as guides
from bot.views import replies
from bot.views.blocks import actions, context, header, line_sections, message, section
from bot.views.mrkdwn import code, escape
from bot.views.projects import create_button


def help_message(slash: str, usable: list[tuple[str, str]], *, project_name: str | None,
                 refused: int, elsewhere: list[str] = (), phase: Phase | None = None,
                 now: list[tuple[str, str]] = (), locked: list[str] = ()) -> dict[str, Any]:
    """`usable`: (usage, summary) pairs the caller may run here; `elsewhere`: usages the caller may run
    in the other kind of channel (with a project when this one has none, and the other way round);
    `now`: the commands that matter in the project's `phase`, shown first; `locked`: usages here that the
    caller may not run (marked)."""
    where = f"This channel tracks *{escape(project_name)}*" if project_name else "This channel has no project yet."
    if project_name and phase is not None:
        where += f", now in *{phase.title}*."
    elif project_name:
        where += "."
    blocks = [header("Crisp commands"), section(where)]
    if now:
        blocks.append(section(guides.now_heading(phase) + "\n" +
                              guides.command_lines(slash, list(now), locked=frozenset(locked))))
    lines = (["*Everything you can do here:*"] if now else []) + _command_lines(slash, usable).split("\n")
    blocks.extend(line_sections(lines))
    if project_name is None:
        blocks.append(actions(create_button()))
    notes = []
    if elsewhere:
        there = "In a channel without a project" if project_name else "In a project's channel"
        notes.append(f"{there}: " + ", ".join(f"`{slash} {usage}`" for usage in elsewhere) + ".")
    if refused:
        phrase = "command needs" if refused == 1 else "commands need"
        names = ": " + ", ".join(code(f"{slash} {usage}") for usage in locked) if locked else ""
        notes.append(f":lock: {refused} more {phrase} a role you don't hold here (most: product owner or "
                     f"manager) or admin rights{names}.")
    if notes:
        blocks.append(context(" ".join(notes)))
    first_line = f"Crisp help: {len(usable)} commands you can use here"
    return message(first_line + "\n" + "\n".join(escape(f"{slash} {u}") for u, _ in usable), blocks)


def group_listing(slash: str, word: str, commands: list[tuple[str, str]]) -> dict[str, Any]:
    """`/crisp project` alone: the commands that start with `project`, as (usage, summary) pairs."""
    intro = f"{code(f'{slash} {word}')} needs one more word:"
    return message(escape(f"{slash} {word} needs one more word: " + ", ".join(f"{slash} {u}" for u, _ in commands)),
                   [section(intro), section(_command_lines(slash, commands)),
                    context(replies.HELP_POINTER.format(slash=slash))])


def takes_no_arguments(slash: str, usage: str) -> dict[str, Any]:
    return replies.error(f"{code(usage)} takes no arguments — did you mean {code(f'{slash} {usage}')}?", slash=slash)


def _command_lines(slash: str, commands: list[tuple[str, str]]) -> str:
    return "\n".join(f"{code(f'{slash} {usage}')} — {escape(summary)}" for usage, summary in commands)
