"""Phase targets: the line that says how far the current phase is from its expected end (for the status
card, the phase card and the digest), and the announcement when a lead sets one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.crisp_dm import Phase
from storage.tables import Project
from bot.views.blocks import message, section
from bot.views.mrkdwn import escape, user


def days_word(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def phase_target_line(phase: str, targets: Mapping[str, date], today: date) -> str | None:
    """"Target end 2026-03-01: 5 days ahead" (days left before it), "due today", or "3 days behind";
    None when the phase has no target. `today`: the date in DEFAULT_TIMEZONE. The digest calls this too."""
    target = targets.get(phase)
    if target is None:
        return None
    left = (target - today).days
    if left > 0:
        standing = f"{days_word(left)} ahead"
    elif left == 0:
        standing = "due today"
    else:
        standing = f":warning: {days_word(-left)} behind"
    return f"Target end {target.isoformat()}: {standing}"


def target_announcement(project: Project, phase: Phase, target: date, previous: date | None,
                        actor_id: str) -> dict[str, Any]:
    was = f" (was {previous.isoformat()})" if previous and previous != target else ""
    line = (f":dart: {user(actor_id)} expects *{escape(project.name)}* to finish {phase.title} by "
            f"*{target.isoformat()}*{was}.")
    return message(line, [section(line)])


def target_reply(phase: Phase, target: date) -> dict[str, Any]:
    line = f":dart: Target for {phase.title}: {target.isoformat()}; announced in the channel."
    return message(line, [section(line)])
