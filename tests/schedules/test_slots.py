"""Slots in a zone: weekdays 09:00 Europe/Berlin lands on 09:00 local across both daylight-saving changes,
never on a weekend, never twice or skipped; skipped and repeated local times run once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.schedules.slots import EVERY_DAY, WEEKDAYS, Spec, latest_slot, next_slot

BERLIN = ZoneInfo("Europe/Berlin")


def fired(spec: Spec, start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    """What a sweep every `step` would run: each new latest slot once (as the run rows make it)."""
    seen: list[datetime] = []
    now = start
    while now <= end:
        slot = latest_slot(spec, now, not_before=start)
        if slot is not None and (not seen or seen[-1] != slot):
            seen.append(slot)
        now += step
    return seen


def test_weekdays_at_nine_in_berlin_across_the_march_change():
    spec = Spec(WEEKDAYS, time(9, 0), "Europe/Berlin")
    # 2026-03-29 (Sunday) 02:00 CET → 03:00 CEST
    slots = fired(spec, datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 4, 4, tzinfo=UTC), timedelta(minutes=7))
    local = [slot.astimezone(BERLIN) for slot in slots]
    assert all((t.hour, t.minute) == (9, 0) for t in local)
    assert [t.day for t in local] == [23, 24, 25, 26, 27, 30, 31, 1, 2, 3]
    assert all(t.weekday() < 5 for t in local)
    assert slots[4] == datetime(2026, 3, 27, 8, 0, tzinfo=UTC)   # CET: UTC+1
    assert slots[5] == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)   # CEST: UTC+2


def test_weekdays_at_nine_in_berlin_across_the_october_change():
    spec = Spec(WEEKDAYS, time(9, 0), "Europe/Berlin")
    # 2026-10-25 (Sunday) 03:00 CEST → 02:00 CET
    slots = fired(spec, datetime(2026, 10, 19, tzinfo=UTC), datetime(2026, 10, 31, tzinfo=UTC),
                  timedelta(minutes=11))
    local = [slot.astimezone(BERLIN) for slot in slots]
    assert [t.day for t in local] == [19, 20, 21, 22, 23, 26, 27, 28, 29, 30]
    assert all((t.hour, t.minute) == (9, 0) for t in local)
    assert slots[4] == datetime(2026, 10, 23, 7, 0, tzinfo=UTC)
    assert slots[5] == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_a_skipped_local_time_runs_once_after_the_change_and_a_repeated_one_once():
    spring = Spec(EVERY_DAY, time(2, 30), "Europe/Berlin")
    slots = fired(spring, datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC), timedelta(minutes=5))
    assert [s.astimezone(BERLIN).day for s in slots] == [28, 29, 30]
    assert slots[1] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST: the day is not skipped
    autumn = Spec(EVERY_DAY, time(2, 30), "Europe/Berlin")
    slots = fired(autumn, datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 10, 27, tzinfo=UTC),
                  timedelta(minutes=5))
    assert [s.astimezone(BERLIN).day for s in slots] == [24, 25, 26]  # 02:30 happens twice on the 25th: once


def test_latest_and_next():
    spec = Spec(frozenset({0, 2, 4}), time(9, 0), "UTC")
    friday_noon = datetime(2026, 1, 9, 12, 0, tzinfo=UTC)
    assert latest_slot(spec, friday_noon) == datetime(2026, 1, 9, 9, 0, tzinfo=UTC)
    assert next_slot(spec, friday_noon) == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)  # Monday
    assert latest_slot(spec, friday_noon, not_before=datetime(2026, 1, 9, 10, 0, tzinfo=UTC)) is None
    assert next_slot(spec, datetime(2026, 1, 12, 9, 0, tzinfo=UTC)) == datetime(2026, 1, 14, 9, 0, tzinfo=UTC)
