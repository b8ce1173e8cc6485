"""Phase transitions and exit-checklist ticks: the reads the phase card and history need, and the writes
a move or a tick makes. Reads return Core rows (tuples), not ORM objects: the history of a long project is
read on the ack path."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.tables import ChecklistTick, PhaseTransition, Project

_T = PhaseTransition.__table__.c
_TICK = ChecklistTick.__table__.c


class TransitionRow(NamedTuple):
    id: int
    from_phase: str | None
    to_phase: str
    backward: bool
    iteration: int
    actor_id: str
    note: str | None
    open_items: int
    created_at: datetime


class TickRow(NamedTuple):
    task_key: str
    ticked_by: str
    ticked_at: datetime


_TRANSITION_COLUMNS = (_T.id, _T.from_phase, _T.to_phase, _T.backward, _T.iteration, _T.actor_id, _T.note,
                       _T.open_items, _T.created_at)


async def lock_project(session: AsyncSession, project_id: int) -> Project | None:
    """The project row, fresh, locked until the transaction ends (PostgreSQL: FOR UPDATE; SQLite's one
    writer already holds the database), so concurrent moves of one project happen one after another."""
    statement = (select(Project).where(Project.id == project_id).with_for_update()
                 .execution_options(populate_existing=True))
    return (await session.execute(statement)).scalars().first()


# Built once: they run on the ack path of `phase history`.
_TRANSITIONS = select(*_TRANSITION_COLUMNS).where(_T.project_id == bindparam("project_id")).order_by(_T.id)
_NEWEST_TRANSITION = select(func.max(_T.id)).where(_T.project_id == bindparam("project_id"))


async def transitions(session: AsyncSession, project_id: int) -> list[TransitionRow]:
    """Every move of the project, oldest first (the first one is its start)."""
    return [TransitionRow(*row) for row in (await session.execute(_TRANSITIONS, {"project_id": project_id})).all()]


async def newest_transition_id(session: AsyncSession, project_id: int) -> int | None:
    return (await session.execute(_NEWEST_TRANSITION, {"project_id": project_id})).scalar()


async def by_request(session: AsyncSession, project_id: int, request_key: str) -> TransitionRow | None:
    """The move a request (identified by its key) already made, if any: a retry makes no second one."""
    statement = select(*_TRANSITION_COLUMNS).where(_T.project_id == project_id, _T.request_key == request_key)
    row = (await session.execute(statement)).first()
    return TransitionRow(*row) if row is not None else None


async def add_transition(session: AsyncSession, *, project_id: int, from_phase: str, to_phase: str, backward: bool,
                         iteration: int, actor_id: str, note: str | None, open_items: int,
                         request_key: str | None, now: datetime) -> TransitionRow:
    transition = PhaseTransition(project_id=project_id, from_phase=from_phase, to_phase=to_phase, backward=backward,
                                 iteration=iteration, actor_id=actor_id, note=note, open_items=open_items,
                                 request_key=request_key, created_at=now)
    session.add(transition)
    await session.flush()
    return TransitionRow(transition.id, from_phase, to_phase, backward, iteration, actor_id, note, open_items, now)


_TICKS = select(_TICK.task_key, _TICK.ticked_by, _TICK.ticked_at).where(
    _TICK.project_id == bindparam("project_id"), _TICK.iteration == bindparam("iteration"))


async def ticks(session: AsyncSession, project_id: int, iteration: int) -> dict[str, TickRow]:
    """Ticked checklist items of one iteration, by task key."""
    rows = (await session.execute(_TICKS, {"project_id": project_id, "iteration": iteration})).all()
    return {row[0]: TickRow(*row) for row in rows}


async def tick(session: AsyncSession, *, project_id: int, iteration: int, task_key: str, user_id: str,
               now: datetime) -> bool:
    """Tick an item; False when it was ticked already (nothing changed)."""
    statement = (insert_for(session, ChecklistTick.__table__)
                 .values(project_id=project_id, iteration=iteration, task_key=task_key, ticked_by=user_id,
                         ticked_at=now)
                 .on_conflict_do_nothing()
                 .returning(_TICK.task_key))
    return (await session.execute(statement)).first() is not None


async def untick(session: AsyncSession, *, project_id: int, iteration: int, task_key: str) -> bool:
    """Untick an item; False when it was not ticked (nothing changed)."""
    result = await session.execute(delete(ChecklistTick).where(
        ChecklistTick.project_id == project_id, ChecklistTick.iteration == iteration,
        ChecklistTick.task_key == task_key).execution_options(synchronize_session=False))
    return result.rowcount == 1


async def active_project(session: AsyncSession, project_id: int) -> Project | None:
    """The project if it is still active (a button or form names it by id)."""
    statement = select(Project).where(Project.id == project_id, Project.archived_at.is_(None))
    return (await session.execute(statement)).scalars().first()
