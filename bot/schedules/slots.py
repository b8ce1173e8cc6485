"""When a schedule's slots fall: local wall-clock times in an IANA zone, turned into UTC instants.

A slot is the day's HH:MM in the schedule's zone. Across daylight-saving changes each local day gives at
most one instant: a time the spring change skips (02:30 in Berlin) runs at the same distance past the
change (03:30), a time the autumn change repeats runs at its first occurrence, so no day is skipped or run
twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = frozenset(range(5))
# A schedule's zone for `local`: each member is asked at the time in their own Slack time zone.
LOCAL = "local"
EVERY_DAY = frozenset(range(7))


@dataclass(frozen=True)
class Spec:
    days: frozenset[int]  # 0 = Monday
    at: time
    tz: str

    @property
    def local(self) -> bool:
        return self.tz == LOCAL

    @property
    def zone(self) -> ZoneInfo:
        """The schedule's zone; for `local` UTC, which only places the next slot roughly (each member's own
        instant comes from `member_slot`)."""
        return ZoneInfo("UTC" if self.local else self.tz)

    @property
    def days_text(self) -> str:
        """As stored: "mon,tue,wed,thu,fri"."""
        return ",".join(DAY_NAMES[day] for day in sorted(self.days))

    @property
    def at_text(self) -> str:
        return self.at.strftime("%H:%M")

    @classmethod
    def stored(cls, days: str, at_time: str, tz: str) -> Spec:
        hour, minute = (int(part) for part in at_time.split(":"))
        return cls(frozenset(DAY_NAMES.index(day) for day in days.split(",") if day), time(hour, minute), tz)


def slot_on(spec: Spec, day: date) -> datetime:
    """The UTC instant of `day`'s slot (fold 0: the first of a repeated time, and a skipped time as if the
    clocks had not moved yet, which lands after the change)."""
    local = datetime.combine(day, spec.at, tzinfo=spec.zone)
    return local.astimezone(UTC)


def latest_slot(spec: Spec, now: datetime, *, not_before: datetime | None = None) -> datetime | None:
    """The newest slot at or before `now`; None when there is none since `not_before`."""
    today = now.astimezone(spec.zone).date()
    for back in range(0, 9):
        day = today - timedelta(days=back)
        if day.weekday() not in spec.days:
            continue
        slot = slot_on(spec, day)
        if slot > now:
            continue
        if not_before is not None and slot < not_before:
            return None
        return slot
    return None


def next_slot(spec: Spec, after: datetime) -> datetime | None:
    """The first slot strictly after `after`."""
    today = after.astimezone(spec.zone).date()
    for ahead in range(0, 9):
        day = today + timedelta(days=ahead)
        if day.weekday() in spec.days:
            slot = slot_on(spec, day)
            if slot > after:
                return slot
    return None


def day_key(day: date) -> datetime:
    """A `local` run's slot: the day it is for, at 00:00 UTC (one run per schedule and day)."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def member_slot(spec: Spec, day: date, zone: ZoneInfo) -> datetime:
    """When a member in `zone` is asked on `day` (the same rules as slot_on, in their zone)."""
    return datetime.combine(day, spec.at, tzinfo=zone).astimezone(UTC)


def local_days(spec: Spec, now: datetime) -> list[date]:
    """The days whose members' slots may fall around `now` (every zone is within a day of UTC), oldest first."""
    today = now.astimezone(UTC).date()
    return [day for day in (today - timedelta(days=1), today, today + timedelta(days=1)) if day.weekday() in spec.days]
