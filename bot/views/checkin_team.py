"""The team side of check-ins: replies to `checkin away`, and who was away in a summary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.views.blocks import message, section
from bot.views.mrkdwn import escape, user

# What run.away holds for someone whose Slack status says vacation (bot.checkins.away.STATUS).
STATUS = "status"


def away_reply(user_id: str, until: date | None, *, self_: bool) -> dict[str, Any]:
    who = "You are" if self_ else f"{user(user_id)} is"
    if until is None:
        line = f":wave: {who} back: asked at the next check-in again."
    else:
        line = (f":palm_tree: {who} away from this project's check-ins until {until.isoformat()} (that day "
                "included): not asked, not reminded, and listed as away in the summary.")
    return message(line, [section(line)])


def not_a_member(user_id: str) -> str:
    return f"{user(user_id)} holds no role in this project, so is not asked for check-ins anyway. Nothing was changed."


def was_not_away(user_id: str) -> str:
    return f"{user(user_id)} was not marked away. Nothing was changed."


def away_line(away: Mapping[str, Any], limit: int = 40) -> str:
    """"Away: @ann (until 2026-01-16), @bob (Slack status)" — the reasons are Crisp's own words."""
    def reason(value: Any) -> str:
        if value == STATUS:
            return "Slack status"
        return escape(value) if isinstance(value, str) else "away"

    items = list(away.items())
    shown = ", ".join(f"{user(u)} ({reason(why)})" for u, why in items[:limit])
    return "Away: " + shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
