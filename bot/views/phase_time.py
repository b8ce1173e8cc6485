"""How long a project has been in its phase, as people count it."""

from __future__ import annotations

from datetime import datetime


def day_in_phase(since: datetime, now: datetime) -> int:
    """Day 1 is the day the phase began (the first 24 hours)."""
    return max(0, (now - since).days) + 1
