"""`DAYS at HH:MM [TZ]` from slash text; every problem is named, and nothing is stored when there is one."""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import time

from bot.errors import UserError
from bot.schedules.slots import DAY_NAMES, EVERY_DAY, LOCAL, WEEKDAYS, Spec
from bot.text import clean_text, unescape_slack
from bot.views.mrkdwn import code

FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@functools.cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def zone_named(word: str) -> str | None:
    """The IANA name for `word` in any case (`europe/berlin`), or None."""
    return _zones_by_lower_name().get(word.lower()) if word else None


def _day(word: str) -> int | None:
    word = word.lower()
    if word in DAY_NAMES:
        return DAY_NAMES.index(word)
    if word in FULL_NAMES:
        return FULL_NAMES.index(word)
    return None


def parse_days(text: str) -> tuple[frozenset[int] | None, str | None]:
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    lowered = [w.lower() for w in words]
    if lowered in (["weekdays"], ["weekday"]):
        return WEEKDAYS, None
    if lowered in (["daily"], ["everyday"], ["every", "day"]):
        return EVERY_DAY, None
    if not words:
        return None, "no days given: use `weekdays`, `daily`, or days like `mon,wed,fri`"
    unknown = [w for w in words if _day(w) is None]
    if unknown:
        return None, (f"{code(unknown[0])} is not a day: use `weekdays`, `daily`, or days like `mon,wed,fri`")
    return frozenset(_day(w) for w in words), None


def parse_time(word: str) -> tuple[time | None, str | None]:
    match = _TIME.match(word)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute), None
    return None, f"{code(word)} is not a time of day: use HH:MM from 00:00 to 23:59"


def parse_schedule(args: str, *, default_tz: str, usage: str) -> Spec:
    """`weekdays at 09:00 Europe/Berlin` → Spec; UserError naming each problem otherwise."""
    text = clean_text(unescape_slack(args), single_line=True)
    words = text.split(" ") if text else []
    lowered = [w.lower() for w in words]
    if "at" not in lowered:
        raise UserError(f"Say when: {code(usage)}, e.g. `weekdays at 09:00 Europe/Berlin`.")
    split = lowered.index("at")
    days, day_problem = parse_days(" ".join(words[:split]))
    after = words[split + 1:]
    problems = [day_problem] if day_problem else []
    at = None
    if not after:
        problems.append("no time given after `at`: use HH:MM, e.g. `09:00`")
    else:
        at, time_problem = parse_time(after[0])
        if time_problem:
            problems.append(time_problem)
    tz = default_tz
    if len(after) > 2:
        problems.append(f"{code(' '.join(after[2:]))} is more than I understand after the time zone")
    elif len(after) == 2:
        if after[1].lower() == LOCAL:
            tz = LOCAL
        else:
            named = zone_named(after[1])
            if named is None:
                problems.append(f"{code(after[1])} is not a time zone I know: use an IANA name like "
                                "`Europe/Berlin` or `America/New_York`")
            else:
                tz = named
    if problems:
        first, *rest = problems
        text = first[0].upper() + first[1:] + "".join(f"; {p}" for p in rest)
        raise UserError(f"{text}. Nothing was changed.", hint=f"Usage: {code(usage)}")
    return Spec(days, at, tz)
