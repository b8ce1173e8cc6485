"""The short guide Crisp posts when it joins a channel and when a project starts: what it does, and the
three commands that matter now."""

from __future__ import annotations

from typing import Any

from bot.crisp_dm import Phase
from bot.views.blocks import Block, context, message, section
from bot.views.mrkdwn import code, escape

WHAT_CRISP_DOES = ("I keep an ML project on track along CRISP-DM: its phase and history, who holds which role, "
                   "stakeholders, check-ins, documentation and monitoring alerts.")


def now_heading(phase: Phase | None) -> str:
    return f"*What matters now, in {phase.title}:*" if phase is not None else "*To begin:*"


def command_lines(slash: str, commands: list[tuple[str, str]], *, locked: frozenset[str] = frozenset()) -> str:
    """`commands`: (usage, summary). Usages in `locked` are marked as needing a role or admin rights."""
    lines = []
    for usage, summary in commands:
        mark = " :lock: _needs a lead role_" if usage in locked else ""
        lines.append(f"• {code(f'{slash} {usage}')} — {escape(summary)}{mark}")
    return "\n".join(lines)


def guide_section(phase: Phase | None, commands: list[tuple[str, str]], slash: str) -> Block:
    return section(now_heading(phase) + "\n" + command_lines(slash, commands))


def guide_message(project_name: str, phase: Phase, commands: list[tuple[str, str]], slash: str) -> dict[str, Any]:
    """Posted when Crisp is added to a channel that already tracks a project."""
    name = escape(project_name)
    return message(f"Crisp is here for {name}, now in {phase.title}.", [
        section(f":wave: This channel tracks *{name}*, now in *{phase.title}*. {WHAT_CRISP_DOES}"),
        guide_section(phase, commands, slash),
        context(f"`{slash} help` lists everything you can do here."),
    ])
