"""Milestones: the reads `milestones`, `status` and the digest need, and the claims that make `milestone
done` and the overdue announcement happen once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.workspaces import installed
from storage.tables import Milestone, Project

_OPEN = Milestone.done_at.is_(None)


async def add(session: AsyncSession, milestone: Milestone) -> Milestone:
    """Inserts it; IntegrityError when the project has a milestone of that name already."""
    session.add(milestone)
    await session.flush()
    return milestone


async def by_key(session: AsyncSession, project_id: int, name_key: str) -> Milestone | None:
    statement = select(Milestone).where(Milestone.project_id == project_id, Milestone.name_key == name_key)
    return (await session.execute(statement.execution_options(populate_existing=True))).scalars().first()


async def claim_done(session: AsyncSession, milestone_id: int, *, user_id: str, now: datetime) -> bool:
    """Marks it done unless someone (another request, another process) did already."""
    result = await session.execute(
        update(Milestone).where(Milestone.id == milestone_id, _OPEN).values(done_by=user_id, done_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


# Built once: `milestones` runs on the ack path. Open ones first (overdue, then by due date, undated last),
# then the done ones, newest first.
_LISTING = (select(Milestone).where(Milestone.project_id == bindparam("project_id"))
            .order_by(case((_OPEN, 0), else_=1),
                      case((Milestone.due.is_(None), 1), else_=0), Milestone.due,
                      Milestone.done_at.desc(), Milestone.id))


async def of_project(session: AsyncSession, project_id: int) -> list[Milestone]:
    """Open milestones by due date (overdue ones are the earliest), undated ones after, then done ones."""
    return list((await session.execute(_LISTING, {"project_id": project_id})).scalars())


async def open_names(session: AsyncSession, project_id: int) -> list[str]:
    statement = (select(Milestone.name).where(Milestone.project_id == project_id, _OPEN)
                 .order_by(case((Milestone.due.is_(None), 1), else_=0), Milestone.due, Milestone.id))
    return list((await session.execute(statement)).scalars())


async def overdue_unannounced(session: AsyncSession, *, before: date, limit: int) -> list[Milestone]:
    """Open milestones of active projects in installed workspaces due before `before` whose overdue
    announcement is not made."""
    statement = (select(Milestone).join(Project, Project.id == Milestone.project_id)
                 .where(_OPEN, Milestone.due < before, Milestone.overdue_announced_at.is_(None),
                        Project.archived_at.is_(None), installed(Milestone.team_id))
                 .order_by(Milestone.due, Milestone.id).limit(limit))
    return list((await session.execute(statement)).scalars())


async def claim_overdue_announcement(session: AsyncSession, milestone_id: int, now: datetime) -> bool:
    """The once-only claim: whichever process sets `overdue_announced_at` first announces it."""
    result = await session.execute(
        update(Milestone).where(Milestone.id == milestone_id, _OPEN, Milestone.overdue_announced_at.is_(None))
        .values(overdue_announced_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


async def done_since(session: AsyncSession, project_id: int, since: datetime) -> list[Milestone]:
    statement = (select(Milestone).where(Milestone.project_id == project_id, Milestone.done_at >= since)
                 .order_by(Milestone.done_at, Milestone.id))
    return list((await session.execute(statement)).scalars())


async def open_due_by(session: AsyncSession, project_id: int, until: date) -> list[Milestone]:
    """Open milestones due on or before `until` (overdue ones included), earliest first."""
    statement = (select(Milestone).where(Milestone.project_id == project_id, _OPEN, Milestone.due <= until)
                 .order_by(Milestone.due, Milestone.id))
    return list((await session.execute(statement)).scalars())
