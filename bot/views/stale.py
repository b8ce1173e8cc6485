"""The gentle question a quiet project gets in its channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.crisp_dm import Phase
from bot.views.blocks import context, message, section
from bot.views.mrkdwn import escape
from bot.views.phase_time import day_in_phase
from storage.tables import Project


def nudge(project: Project, now: datetime, slash: str) -> dict[str, Any]:
    phase = Phase(project.phase)
    following = phase.following()
    line = (f":seedling: *{escape(project.name)}* has been quiet for a while: day "
            f"{day_in_phase(project.phase_since, now)} of {phase.title}, with no phase move or check-in answer "
            "lately. Still in it, or time to move on?")
    moves = (f"`{slash} phase next` moves on to {following.title}" if following else
             f"`{slash} phase set PHASE` starts another iteration")
    return message(line, [section(line),
                          context(f"{moves} · `{slash} phase` shows the exit checklist · "
                                  f"`{slash} checkin now` asks the team how it goes")])
