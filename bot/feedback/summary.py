"""What the digest (and anything else) reads about feedback: the latest pieces, and how many came each week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries import feedback as rows
from storage.tables import Feedback


async def recent(session: AsyncSession, project_id: int, since: datetime, *, limit: int | None = None) -> list[Feedback]:
    """Feedback given since `since`, newest first (at most `limit`)."""
    return await rows.since(session, project_id, since, limit=limit)


async def count_since(session: AsyncSession, project_id: int, since: datetime) -> int:
    """How many pieces of feedback were given since `since` (what `recent` without a limit would return)."""
    return await rows.count_since(session, project_id, since)


def week_of(moment: datetime) -> date:
    """The Monday (UTC) of the ISO week `moment` falls in."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


async def weekly_counts(session: AsyncSession, project_id: int, since: datetime, until: datetime) -> list[tuple[date, int]]:
    """(Monday, count) for every ISO week (UTC) from the one `since` falls in to the one `until` falls in,
    oldest first, weeks without feedback included as 0. Counts only feedback given in [since, until)."""
    counts: dict[date, int] = {}
    week, last = week_of(since), week_of(until)
    while week <= last:
        counts[week] = 0
        week += timedelta(days=7)
    for moment in await rows.times_since(session, project_id, since, until):
        counts[week_of(moment)] = counts.get(week_of(moment), 0) + 1
    return sorted(counts.items())
