"""How long a project has been in its phase, as people count it."""

from __future__ import annotations

from datetime import date, datetime


def day_in_phase(since: datetime, now: datetime) -> int:
    """Day 1 is the day the phase began (the first 24 hours)."""
    return max(0, (now - since).days) + 1


def target_slip(days_past: int, target: date) -> str:
    """"3 days behind the target (2026-02-20)", "12 days ahead of the target (…)" or "on the target day"."""
    if days_past == 0:
        return f"on the target day ({target.isoformat()})"
    count = abs(days_past)
    word = "behind" if days_past > 0 else "ahead of"
    return f"{count} day{'s' if count != 1 else ''} {word} the target ({target.isoformat()})"
