"""Pacing per lane: about one message per second with a short burst, as Slack allows per channel.

Generic cell rate algorithm: each lane keeps a theoretical arrival time (tat). A call may go when
tat - now <= tolerance; each call pushes tat one interval further.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

INTERVAL = timedelta(seconds=1)
BURST = 3
TOLERANCE = INTERVAL * (BURST - 1)


@dataclass(frozen=True)
class Pace:
    tat: datetime
    ready_at: datetime


def after_call(previous: Pace | None, now: datetime, *, interval: timedelta = INTERVAL,
               burst: int = BURST) -> Pace:
    """The lane's pacing state once a call has been made at `now` (by default one a second, bursts of 3)."""
    base = max(previous.tat, now) if previous else now
    tat = base + interval
    ready_at = tat - interval * (burst - 1)
    if previous and previous.ready_at > ready_at:
        ready_at = previous.ready_at  # a Retry-After still running stays in force
    return Pace(tat=tat, ready_at=ready_at)


def after_rate_limit(previous: Pace | None, now: datetime, retry_after: float) -> Pace:
    """Nothing goes before Slack's Retry-After has passed; the burst is spent too."""
    until = now + timedelta(seconds=retry_after)
    tat = max(previous.tat if previous else now, until + TOLERANCE)
    ready_at = max(previous.ready_at if previous else now, until)
    return Pace(tat=tat, ready_at=ready_at)
