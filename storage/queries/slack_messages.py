"""Posted messages by domain key: where "project:12:created" lives in Slack."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.tables import SlackMessage


async def record(session: AsyncSession, *, team_id: str, key: str, channel: str, ts: str, now: datetime) -> None:
    statement = insert_for(session, SlackMessage.__table__).values(
        team_id=team_id, key=key, channel=channel, ts=ts, posted_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["team_id", "key"],
        set_={"channel": statement.excluded.channel, "ts": statement.excluded.ts,
              "posted_at": statement.excluded.posted_at})
    await session.execute(statement)


async def get(session: AsyncSession, team_id: str, key: str) -> SlackMessage | None:
    return (await session.execute(
        select(SlackMessage).where(SlackMessage.team_id == team_id, SlackMessage.key == key)
    )).scalar_one_or_none()


async def posted_keys(session: AsyncSession, team_id: str, keys: list[str]) -> set[str]:
    """Those of `keys` a message was posted under."""
    if not keys:
        return set()
    statement = select(SlackMessage.key).where(SlackMessage.team_id == team_id, SlackMessage.key.in_(keys))
    return set((await session.execute(statement)).scalars())
