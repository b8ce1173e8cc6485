"""Feedback on the model's predictions: stored once per quoted message, read back by time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.tables import Feedback

_F = Feedback.__table__


async def add(session: AsyncSession, feedback: Feedback) -> Feedback | None:
    """Stores it; None when its quoted message is stored for this project already (Slack's retry, or the
    shortcut used twice on one message)."""
    values = feedback.model_dump(exclude={"id"})
    statement = insert_for(session, _F).values(**values).on_conflict_do_nothing().returning(_F.c.id)
    new_id = (await session.execute(statement)).scalar_one_or_none()
    return None if new_id is None else await session.get(Feedback, new_id)


async def of_message(session: AsyncSession, project_id: int, channel: str, ts: str) -> Feedback | None:
    statement = select(Feedback).where(Feedback.project_id == project_id, Feedback.message_channel == channel,
                                       Feedback.message_ts == ts)
    return (await session.execute(statement)).scalars().first()


async def same_lately(session: AsyncSession, project_id: int, author: str, text: str, *, since: datetime) -> Feedback | None:
    """The same words from the same person since `since`: a repeat of one command, not new feedback."""
    statement = (select(Feedback).where(Feedback.project_id == project_id, Feedback.author == author,
                                        Feedback.text == text, Feedback.created_at >= since)
                 .order_by(Feedback.id.desc()).limit(1))
    return (await session.execute(statement)).scalars().first()


async def since(session: AsyncSession, project_id: int, start: datetime, *, until: datetime | None = None,
                limit: int | None = None) -> list[Feedback]:
    """Feedback given from `start` (up to `until`), newest first."""
    statement = select(Feedback).where(Feedback.project_id == project_id, Feedback.created_at >= start)
    if until is not None:
        statement = statement.where(Feedback.created_at < until)
    statement = statement.order_by(Feedback.created_at.desc(), Feedback.id.desc())
    if limit is not None:
        statement = statement.limit(limit)
    return list((await session.execute(statement)).scalars())


async def times_since(session: AsyncSession, project_id: int, start: datetime, until: datetime) -> list[datetime]:
    """When each piece of feedback in [start, until) was given (for counting per week)."""
    statement = (select(Feedback.created_at)
                 .where(Feedback.project_id == project_id, Feedback.created_at >= start, Feedback.created_at < until)
                 .order_by(Feedback.created_at))
    return list((await session.execute(statement)).scalars())



async def count_since(session: AsyncSession, project_id: int, start: datetime) -> int:
    """How many pieces of feedback were given from `start`."""
    statement = (select(func.count()).select_from(Feedback)
                 .where(Feedback.project_id == project_id, Feedback.created_at >= start))
    return (await session.execute(statement)).scalar_one()
