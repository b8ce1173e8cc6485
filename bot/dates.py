"""Calendar days typed in commands (`YYYY-MM-DD`): a bad one is named, never guessed."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.views.mrkdwn import code

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(word: str, *, what: str) -> date:
    """`2026-01-16` → that date; UserError naming the problem (`what`: "the last day away") otherwise."""
    if not _DAY.match(word):
        raise UserError(f"{code(word)} is not a date: give {what} as YYYY-MM-DD. Nothing was changed.")
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise UserError(f"{code(word)} is not a day of the calendar. Nothing was changed.") from None


def today_in(zone_name: str, now: datetime) -> date:
    """The date it is at `now` in the zone (DEFAULT_TIMEZONE, usually)."""
    return now.astimezone(ZoneInfo(zone_name)).date()
