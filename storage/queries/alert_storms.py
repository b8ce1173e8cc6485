"""Storm summaries and each channel's alert budget (a pacing row in outbox_throttle, key `alerts:TEAM:CHANNEL`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.tables import AlertGroup, AlertStorm, OutboxThrottle


def budget_key(team_id: str, channel_id: str) -> str:
    return f"alerts:{team_id}:{channel_id}"


def _locking(session: AsyncSession, statement):
    return statement.with_for_update() if session.bind.dialect.name == "postgresql" else statement


async def lock_budget(session: AsyncSession, team_id: str, channel_id: str, now: datetime) -> OutboxThrottle:
    """The channel's budget row, created when missing and locked for this transaction: relays in two
    processes take turns per channel (callers lock channels in sorted order, so they never deadlock)."""
    key = budget_key(team_id, channel_id)
    await session.execute(insert_for(session, OutboxThrottle.__table__).values(key=key, tat=now, ready_at=now)
                          .on_conflict_do_nothing(index_elements=["key"]))
    statement = _locking(session, select(OutboxThrottle).where(OutboxThrottle.key == key))
    return (await session.execute(statement.execution_options(populate_existing=True))).scalar_one()


async def latest_storm(session: AsyncSession, team_id: str, channel_id: str) -> AlertStorm | None:
    statement = (select(AlertStorm).where(AlertStorm.team_id == team_id, AlertStorm.channel_id == channel_id)
                 .order_by(AlertStorm.id.desc()).limit(1))
    return (await session.execute(_locking(session, statement).execution_options(populate_existing=True))
            ).scalars().first()


async def get_storm(session: AsyncSession, storm_id: int) -> AlertStorm | None:
    statement = _locking(session, select(AlertStorm).where(AlertStorm.id == storm_id))
    return (await session.execute(statement.execution_options(populate_existing=True))).scalars().first()


async def add_storm(session: AsyncSession, team_id: str, channel_id: str, now: datetime) -> AlertStorm:
    storm = AlertStorm(team_id=team_id, channel_id=channel_id, message_key="", started_at=now, last_added_at=now)
    session.add(storm)
    await session.flush()
    storm.message_key = f"alertstorm:{storm.id}"
    return storm


async def groups_of(session: AsyncSession, storm_id: int) -> list[AlertGroup]:
    """A storm's groups in the order they were rolled in."""
    statement = select(AlertGroup).where(AlertGroup.storm_id == storm_id).order_by(AlertGroup.storm_slot)
    return list((await session.execute(statement)).scalars())
