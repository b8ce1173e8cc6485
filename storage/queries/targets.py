"""Phase targets: when each phase of a project is expected to end."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.tables import PhaseTarget

_PT = PhaseTarget.__table__.c


async def targets_of(session: AsyncSession, project_id: int) -> dict[str, date]:
    rows = await session.execute(select(_PT.phase, _PT.target).where(_PT.project_id == project_id))
    return {phase: target for phase, target in rows}


async def set_target(session: AsyncSession, *, team_id: str, project_id: int, phase: str, target: date,
                     user_id: str, now: datetime) -> date | None:
    """Record (or replace) a phase's target; returns the date it replaced, if any."""
    previous = (await session.execute(select(_PT.target).where(_PT.project_id == project_id,
                                                               _PT.phase == phase))).scalar_one_or_none()
    statement = insert_for(session, PhaseTarget.__table__).values(
        team_id=team_id, project_id=project_id, phase=phase, target=target, set_by=user_id, set_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[_PT.project_id, _PT.phase],
        set_={"target": target, "set_by": user_id, "set_at": now})
    await session.execute(statement)
    return previous
