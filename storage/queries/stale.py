"""Quiet projects: when each active project last moved (phase), heard from its team (a check-in answer) or was
nudged, and the claim on one nudge (unique per project and due time)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.workspaces import installed
from storage.queries.schedules import as_utc
from storage.queries.upsert import insert_for
from storage.tables import CheckinAnswer, Project, StaleNudge

NUDGES = StaleNudge.__table__


async def quiet_candidates(session: AsyncSession) -> list[tuple[Project, datetime | None, datetime | None]]:
    """Every active project with its newest check-in answer and its newest nudge's due time (None: none)."""
    answered = (select(CheckinAnswer.project_id, func.max(CheckinAnswer.updated_at).label("at"))
                .group_by(CheckinAnswer.project_id).subquery())
    nudged = (select(NUDGES.c.project_id, func.max(NUDGES.c.due_at).label("at"))
              .group_by(NUDGES.c.project_id).subquery())
    statement = (select(Project, answered.c.at, nudged.c.at)
                 .outerjoin(answered, answered.c.project_id == Project.id)
                 .outerjoin(nudged, nudged.c.project_id == Project.id)
                 .where(Project.archived_at.is_(None), installed(Project.team_id)).order_by(Project.id))
    return [(project, as_utc(answer), as_utc(nudge)) for project, answer, nudge in
            (await session.execute(statement)).all()]


async def claim_nudge(session: AsyncSession, project: Project, due_at: datetime, now: datetime) -> bool:
    """Insert the nudge for (project, due time); False when another process (or pass) has it."""
    statement = (insert_for(session, NUDGES).values(team_id=project.team_id, project_id=project.id,
                                                    phase=project.phase, due_at=due_at, nudged_at=now)
                 .on_conflict_do_nothing(index_elements=["project_id", "due_at"]).returning(NUDGES.c.id))
    return (await session.execute(statement)).scalar() is not None
