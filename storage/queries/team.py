"""Role assignments and stakeholders: who holds what in a project now."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import RoleAssignment


async def roles_of(session: AsyncSession, project_id: int, user_id: str) -> frozenset[str]:
    """The roles `user_id` holds in the project now."""
    statement = select(RoleAssignment.role).where(
        RoleAssignment.project_id == project_id, RoleAssignment.user_id == user_id,
        RoleAssignment.removed_at.is_(None))
    return frozenset((await session.execute(statement)).scalars())


async def current_holders(session: AsyncSession, project_id: int) -> list[tuple[str, str]]:
    """(role, user_id) for every role held in the project now, oldest assignment first."""
    statement = (select(RoleAssignment.role, RoleAssignment.user_id)
                 .where(RoleAssignment.project_id == project_id, RoleAssignment.removed_at.is_(None))
                 .order_by(RoleAssignment.id))
    return [(role, user_id) for role, user_id in (await session.execute(statement)).all()]
