"""Reads for the App Home tab that span several projects."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import ChecklistTick

TICKS = ChecklistTick.__table__


async def ticked_now(session: AsyncSession, iterations: dict[int, int]) -> dict[int, set[str]]:
    """The checklist items ticked in each project's current iteration (`iterations`: project id ->
    iteration), one statement."""
    if not iterations:
        return {}
    statement = select(TICKS.c.project_id, TICKS.c.task_key).where(
        or_(*(and_(TICKS.c.project_id == project_id, TICKS.c.iteration == iteration)
              for project_id, iteration in iterations.items())))
    ticked: dict[int, set[str]] = {project_id: set() for project_id in iterations}
    for project_id, task_key in (await session.execute(statement)).all():
        ticked[project_id].add(task_key)
    return ticked
