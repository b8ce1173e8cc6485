"""The help answer: what this person may do in this channel."""

from __future__ import annotations

from typing import Any

from bot.views.blocks import actions, context, header, message, section
from bot.views.mrkdwn import code, escape
from bot.views.projects import create_button


def help_message(slash: str, usable: list[tuple[str, str]], *, project_name: str | None,
                 refused: int) -> dict[str, Any]:
    """`usable`: (usage, summary) pairs the caller may run here."""
    where = f"This channel tracks *{escape(project_name)}*." if project_name else \
        "This channel has no project yet."
    lines = "\n".join(f"{code(f'{slash} {usage}')} — {escape(summary)}" for usage, summary in usable)
    blocks = [header("Crisp commands"), section(where), section(lines)]
    if project_name is None:
        blocks.append(actions(create_button()))
    notes = ["Phases, roles, milestones, check-ins, digests, docs and alerts follow CRISP-DM."]
    if refused:
        phrase = "command needs" if refused == 1 else "commands need"
        notes.append(f"{refused} more {phrase} a project role or admin rights.")
    blocks.append(context(" ".join(notes)))
    first_line = f"Crisp help: {len(usable)} commands you can use here"
    return message(first_line + "\n" + "\n".join(escape(f"{slash} {u}") for u, _ in usable), blocks)
