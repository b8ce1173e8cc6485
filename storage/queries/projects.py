"""Project look-ups and changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import Project


async def active_in_channel(session: AsyncSession, team_id: str, channel_id: str) -> Project | None:
    statement = select(Project).where(
        Project.team_id == team_id, Project.channel_id == channel_id, Project.archived_at.is_(None)
    )
    return (await session.execute(statement)).scalars().first()


async def active_by_slug(session: AsyncSession, team_id: str, slug: str) -> Project | None:
    statement = select(Project).where(
        Project.team_id == team_id, Project.slug == slug, Project.archived_at.is_(None)
    )
    return (await session.execute(statement)).scalars().first()


async def active_in_channel_or_by_slug(session: AsyncSession, team_id: str, channel_id: str,
                                      slug: str) -> list[Project]:
    """Active projects that hold this channel or this slug; the channel's own comes first."""
    statement = (
        select(Project)
        .where(Project.team_id == team_id, Project.archived_at.is_(None),
               or_(Project.channel_id == channel_id, Project.slug == slug))
        .order_by((Project.channel_id == channel_id).desc())
    )
    return list((await session.execute(statement)).scalars())


async def active_for_team(session: AsyncSession, team_id: str) -> list[Project]:
    statement = (
        select(Project)
        .where(Project.team_id == team_id, Project.archived_at.is_(None))
        .order_by(func.lower(Project.name))
    )
    return list((await session.execute(statement)).scalars())


async def archived_count(session: AsyncSession, team_id: str) -> int:
    statement = select(func.count()).where(Project.team_id == team_id, Project.archived_at.is_not(None))
    return (await session.execute(statement)).scalar_one()


async def archive(session: AsyncSession, project_id: int, *, actor_id: str, now: datetime) -> bool:
    """Archive if still active; False when someone else archived it first."""
    result = await session.execute(
        update(Project)
        .where(Project.id == project_id, Project.archived_at.is_(None))
        .values(archived_at=now, archived_by=actor_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
