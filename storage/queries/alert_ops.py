"""Alert groups that need work beyond the relay: re-announcing unacknowledged critical groups, and
Alertmanager silences to create or expire. Claims lock the rows they return for the caller's transaction
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, SQLite's single writer otherwise), so two processes never take
the same group at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.workspaces import installed
from storage.tables import AlertGroup, Project

CRITICAL_SEVERITIES = ("critical", "page")


def _skip_locked(session: AsyncSession, statement):
    if session.bind.dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True, of=AlertGroup)
    return statement


async def claim_unacknowledged(session: AsyncSession, *, now: datetime, after: timedelta, lookback: timedelta,
                               limit: int, rolled_up: bool = False) -> list[AlertGroup]:
    """Firing critical groups nobody acknowledged whose message has been up `after` or longer, oldest first.

    A group counts from when it started firing or when Crisp first saw it, whichever is later (a group
    that arrives hours after it started is not escalated on sight). Groups older than `2 × after +
    lookback` are left alone: their re-announcement and escalation are done (or were missed while no
    scheduler ran for that long), so each pass reads only recent groups. Silenced groups wait, and so do
    those of a workspace that uninstalled Crisp."""
    due = now - after
    oldest = now - 2 * after - lookback
    statement = (
        select(AlertGroup)
        .where(AlertGroup.status == "firing", func.lower(AlertGroup.severity).in_(CRITICAL_SEVERITIES),
               AlertGroup.acked_by.is_(None),
               # Groups with a message of their own, or (`rolled_up`) those a storm summary lists instead.
               and_(AlertGroup.message_key.is_(None), AlertGroup.storm_id.is_not(None)) if rolled_up
               else AlertGroup.message_key.is_not(None),
               AlertGroup.team_id.is_not(None), AlertGroup.channel_id.is_not(None), installed(AlertGroup.team_id),
               AlertGroup.started_at <= due, AlertGroup.first_seen_at <= due,
               or_(AlertGroup.started_at >= oldest, AlertGroup.first_seen_at >= oldest),
               or_(AlertGroup.silenced_until.is_(None), AlertGroup.silenced_until <= now),
               AlertGroup.silenced_until_resolved.is_(False))
        .order_by(AlertGroup.started_at, AlertGroup.id)
        .limit(limit)
    )
    return list((await session.execute(
        _skip_locked(session, statement).execution_options(populate_existing=True))).scalars())


async def claim_silence_work(session: AsyncSession, *, now: datetime, limit: int,
                             due: callable) -> list[AlertGroup]:
    """Groups whose Alertmanager silence is to be created or expired (see bot.alerts.silences for the
    states kept in `silence_id`); `due(group)` says whether its retry time has come."""
    statement = (
        select(AlertGroup)
        .where(AlertGroup.source == "alertmanager",
               or_(AlertGroup.silence_id.like("want:%"), AlertGroup.silence_id.like("unwant:%"),
                   and_(AlertGroup.silence_id.like("am:%"),
                        or_(AlertGroup.status == "resolved",
                            and_(AlertGroup.silenced_until_resolved.is_(False),
                                 or_(AlertGroup.silenced_until.is_(None), AlertGroup.silenced_until <= now))))))
        .order_by(AlertGroup.id)
        .limit(limit * 4)
    )
    groups = list((await session.execute(
        _skip_locked(session, statement).execution_options(populate_existing=True))).scalars())
    return [group for group in groups if due(group)][:limit]


async def project_of(session: AsyncSession, project_id: int | None) -> Project | None:
    if project_id is None:
        return None
    return await session.get(Project, project_id)


async def open_counts(session: AsyncSession, project_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per project: firing groups, and how many of them nobody acknowledged."""
    if not project_ids:
        return {}
    unacked = func.sum(case((AlertGroup.acked_by.is_(None), 1), else_=0))
    rows = await session.execute(
        select(AlertGroup.project_id, func.count(), unacked)
        .where(AlertGroup.project_id.in_(project_ids), AlertGroup.status == "firing")
        .group_by(AlertGroup.project_id))
    return {project_id: (int(count), int(waiting or 0)) for project_id, count, waiting in rows.all()}
