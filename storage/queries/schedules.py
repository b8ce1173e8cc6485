"""Schedules, their runs and check-in answers. A run row is the claim on a slot: inserting it does nothing
when the (schedule, slot) pair exists, so only one process runs the slot. Open runs are claimed for their
reminder and their close with `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite has one writer)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.queries.workspaces import installed
from storage.tables import CheckinAnswer, Project, Schedule, ScheduleRun

RUNS = ScheduleRun.__table__


def skip_locked(session: AsyncSession, statement, table=ScheduleRun):
    """Lock the rows read, skipping those another transaction holds (PostgreSQL; SQLite has one writer)."""
    if session.bind.dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True, of=table)
    return statement


async def schedule_of(session: AsyncSession, project_id: int, kind: str) -> Schedule | None:
    statement = select(Schedule).where(Schedule.project_id == project_id, Schedule.kind == kind)
    return (await session.execute(statement.execution_options(populate_existing=True))).scalars().first()


# Built once: the status card reads it on the ack path.
_ENABLED_OF_PROJECT = select(Schedule).where(Schedule.project_id == bindparam("project_id"),
                                             Schedule.enabled.is_(True))


async def schedules_of(session: AsyncSession, project_id: int) -> dict[str, Schedule]:
    rows = (await session.execute(_ENABLED_OF_PROJECT, {"project_id": project_id})).scalars()
    return {row.kind: row for row in rows}


def newest_slots(runs):
    """Subquery: each schedule's newest run slot (schedule_id, slot)."""
    return (select(runs.c.schedule_id, func.max(runs.c.slot).label("slot"))
            .where(runs.c.schedule_id.is_not(None)).group_by(runs.c.schedule_id).subquery())


async def enabled_schedules(session: AsyncSession) -> list[tuple[Schedule, datetime | None]]:
    """Every enabled schedule of an active project in an installed workspace (an uninstalled one's schedules
    stop, and run again from their next slot after a reinstall), with the slot of its newest run (None:
    never ran)."""
    newest = newest_slots(RUNS)
    statement = (select(Schedule, newest.c.slot)
                 .join(Project, Project.id == Schedule.project_id)
                 .outerjoin(newest, newest.c.schedule_id == Schedule.id)
                 .where(Schedule.enabled.is_(True), Project.archived_at.is_(None), installed(Schedule.team_id))
                 .order_by(Schedule.id))
    rows = (await session.execute(statement)).all()
    # func.max loses the column type on SQLite: make it an aware UTC datetime either way.
    return [(schedule, as_utc(slot)) for schedule, slot in rows]


def as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


async def claim_slot(session: AsyncSession, values: dict[str, Any], model=ScheduleRun):
    """Insert the run (a `model` row) for (schedule, slot); None when another process (or an earlier pass)
    has it."""
    runs = model.__table__
    statement = (insert_for(session, runs).values(**values)
                 .on_conflict_do_nothing(index_elements=["schedule_id", "slot"]).returning(runs.c.id))
    run_id = (await session.execute(statement)).scalar()
    if run_id is None:
        return None
    return await session.get(model, run_id)


async def claim_slots(session: AsyncSession, values: list[dict[str, Any]]) -> dict[int, ScheduleRun]:
    """Insert the runs for many (schedule, slot) pairs in one statement; returns the ones inserted, by
    schedule id (a pair another process or pass has is left out)."""
    if not values:
        return {}
    statement = (insert_for(session, RUNS).values(values)
                 .on_conflict_do_nothing(index_elements=["schedule_id", "slot"]).returning(RUNS.c.id))
    ids = list((await session.execute(statement)).scalars())
    if not ids:
        return {}
    runs = (await session.execute(select(ScheduleRun).where(ScheduleRun.id.in_(ids)))).scalars()
    return {run.schedule_id: run for run in runs}


async def projects_by_id(session: AsyncSession, project_ids: list[int]) -> dict[int, Project]:
    statement = select(Project).where(Project.id.in_(project_ids))
    return {project.id: project for project in (await session.execute(statement)).scalars()}


async def add_run(session: AsyncSession, run: ScheduleRun) -> ScheduleRun:
    session.add(run)
    await session.flush()
    return run


async def run_by_request(session: AsyncSession, project_id: int, request_key: str) -> ScheduleRun | None:
    statement = select(ScheduleRun).where(ScheduleRun.project_id == project_id,
                                          ScheduleRun.request_key == request_key)
    return (await session.execute(statement)).scalars().first()


async def get_run(session: AsyncSession, run_id: int, *, lock: bool = False) -> ScheduleRun | None:
    statement = select(ScheduleRun).where(ScheduleRun.id == run_id).execution_options(populate_existing=True)
    if lock:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalars().first()


async def open_checkin(session: AsyncSession, project_id: int) -> ScheduleRun | None:
    """The project's check-in whose window is still open, if any."""
    statement = (select(ScheduleRun).where(ScheduleRun.project_id == project_id, ScheduleRun.kind == "checkin",
                                           ScheduleRun.skipped.is_(False), ScheduleRun.closed_at.is_(None))
                 .order_by(ScheduleRun.id.desc()).limit(1))
    return (await session.execute(statement)).scalars().first()


async def latest_run(session: AsyncSession, project_id: int, kind: str, *, before_id: int | None = None,
                     closed: bool = False) -> ScheduleRun | None:
    """The newest run of that kind that ran (not skipped); `closed`: only a check-in whose window closed."""
    where = [ScheduleRun.project_id == project_id, ScheduleRun.kind == kind, ScheduleRun.skipped.is_(False)]
    if before_id is not None:
        where.append(ScheduleRun.id < before_id)
    if closed:
        where.append(ScheduleRun.closed_at.is_not(None))
    statement = select(ScheduleRun).where(*where).order_by(ScheduleRun.id.desc()).limit(1)
    return (await session.execute(statement)).scalars().first()


async def claim_reminders_due(session: AsyncSession, *, now: datetime, limit: int) -> list[ScheduleRun]:
    statement = (select(ScheduleRun)
                 .where(ScheduleRun.kind == "checkin", ScheduleRun.closed_at.is_(None),
                        ScheduleRun.reminded_at.is_(None), ScheduleRun.remind_at <= now,
                        installed(ScheduleRun.team_id))
                 .order_by(ScheduleRun.id).limit(limit))
    return list((await session.execute(
        skip_locked(session, statement).execution_options(populate_existing=True))).scalars())


async def claim_closings_due(session: AsyncSession, *, now: datetime, limit: int) -> list[ScheduleRun]:
    statement = (select(ScheduleRun)
                 .where(ScheduleRun.kind == "checkin", ScheduleRun.closed_at.is_(None),
                        ScheduleRun.closes_at <= now, installed(ScheduleRun.team_id))
                 .order_by(ScheduleRun.id).limit(limit))
    return list((await session.execute(
        skip_locked(session, statement).execution_options(populate_existing=True))).scalars())


async def mark_all(session: AsyncSession, run_ids: list[int], **values) -> None:
    if run_ids:
        await session.execute(update(ScheduleRun).where(ScheduleRun.id.in_(run_ids)).values(**values)
                              .execution_options(synchronize_session=False))


async def answers(session: AsyncSession, run_id: int) -> list[CheckinAnswer]:
    return (await answers_in(session, [run_id]))[run_id]


async def answers_in(session: AsyncSession, run_ids: list[int]) -> dict[int, list[CheckinAnswer]]:
    """Each run's answers, oldest first (one statement)."""
    found: dict[int, list[CheckinAnswer]] = {run_id: [] for run_id in run_ids}
    if run_ids:
        statement = select(CheckinAnswer).where(CheckinAnswer.run_id.in_(found)).order_by(CheckinAnswer.id)
        for answer in (await session.execute(statement)).scalars():
            found[answer.run_id].append(answer)
    return found


async def answer_of(session: AsyncSession, run_id: int, user_id: str) -> CheckinAnswer | None:
    statement = (select(CheckinAnswer).where(CheckinAnswer.run_id == run_id, CheckinAnswer.user_id == user_id)
                 .execution_options(populate_existing=True))
    return (await session.execute(statement)).scalars().first()


async def project_of(session: AsyncSession, project_id: int) -> Project | None:
    return (await session.execute(select(Project).where(Project.id == project_id))).scalars().first()
