"""Project look-ups and changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import Project, RoleAssignment

_PROJECT = Project.__table__
_ROLE = RoleAssignment.__table__
# Built once: every command runs it, and building and loading ORM objects costs ten times the query.
# The channel's active project, once per role the caller holds in it (once with role NULL if none).
_CHANNEL_CONTEXT = (
    select(_PROJECT, _ROLE.c.role)
    .select_from(_PROJECT.outerjoin(_ROLE, (_ROLE.c.project_id == _PROJECT.c.id)
                                    & (_ROLE.c.user_id == bindparam("user_id"))
                                    & _ROLE.c.removed_at.is_(None)))
    .where(_PROJECT.c.team_id == bindparam("team_id"), _PROJECT.c.channel_id == bindparam("channel_id"),
           _PROJECT.c.archived_at.is_(None))
)


async def channel_context(session: AsyncSession, team_id: str, channel_id: str,
                          user_id: str) -> tuple[Row | None, frozenset[str]]:
    """The channel's active project as a read-only row (its columns as attributes, like a Project), and
    the roles `user_id` holds in it: one statement, no ORM objects."""
    rows = (await session.execute(_CHANNEL_CONTEXT, {"team_id": team_id, "channel_id": channel_id,
                                                      "user_id": user_id})).all()
    if not rows:
        return None, frozenset()
    return rows[0], frozenset(row.role for row in rows if row.role is not None)


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


async def active_with_slug_starting(session: AsyncSession, team_id: str, prefix: str) -> list[Project]:
    """The team's active projects whose slug starts with `prefix` (same-slug names and numbered slugs)."""
    statement = select(Project).where(Project.team_id == team_id, Project.archived_at.is_(None),
                                      Project.slug.startswith(prefix, autoescape=True))
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
