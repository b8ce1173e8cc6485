"""slack_user rows: what users.info last said about a person, and whose rows are due for a refresh."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.queries.workspaces import installed
from storage.tables import RoleAssignment, SlackUser, Stakeholder

_U = SlackUser.__table__.c
_ROLES = RoleAssignment.__table__.c
_STAKEHOLDERS = Stakeholder.__table__.c


async def rows_for(session: AsyncSession, team_id: str, user_ids: Iterable[str]) -> dict[str, SlackUser]:
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    result = await session.execute(select(SlackUser).where(SlackUser.team_id == team_id,
                                                           SlackUser.user_id.in_(wanted)))
    return {row.user_id: row for row in result.scalars()}


async def store(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert or replace each person's row (dicts with every slack_user column)."""
    for values in rows:
        statement = insert_for(session, SlackUser.__table__).values(**values)
        changed = {key: value for key, value in values.items() if key not in ("team_id", "user_id")}
        await session.execute(statement.on_conflict_do_update(index_elements=[_U.team_id, _U.user_id],
                                                              set_=changed))


async def due_for_refresh(session: AsyncSession, *, stale_before: datetime, limit: int) -> list[tuple[str, str]]:
    """(team_id, user_id) of current role holders and stakeholders never looked up or looked up before
    `stale_before`, the longest-waiting first; in installed workspaces only (no token to look them up with)."""
    people = union(
        select(_ROLES.team_id, _ROLES.user_id).where(_ROLES.removed_at.is_(None)),
        select(_STAKEHOLDERS.team_id, _STAKEHOLDERS.user_id).where(_STAKEHOLDERS.removed_at.is_(None)),
    ).subquery()
    statement = (select(people.c.team_id, people.c.user_id)
                 .outerjoin(SlackUser.__table__, and_(_U.team_id == people.c.team_id, _U.user_id == people.c.user_id))
                 .where(or_(_U.fetched_at.is_(None), _U.fetched_at < stale_before), installed(people.c.team_id))
                 .order_by(_U.fetched_at.is_not(None), _U.fetched_at)
                 .limit(limit))
    return [(team_id, user_id) for team_id, user_id in await session.execute(statement)]
