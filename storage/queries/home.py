"""Reads for the App Home tab that span several projects."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import CheckinAnswer, CheckinEarly, CheckinPrompt, ChecklistTick, Schedule, ScheduleRun

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


class OpenRun(NamedTuple):
    """A check-in run open now that asked the person: whether they answered, and when their window closes."""

    run: ScheduleRun
    answered: bool
    closes_at: datetime | None


async def checkin_schedules(session: AsyncSession, project_ids: list[int], user_id: str,
                            now: datetime) -> dict[int, tuple[Schedule, frozenset[int]]]:
    """The enabled check-in schedule of each project that has one, with the slots still ahead the person
    answered early for (as Unix seconds), one statement."""
    if not project_ids:
        return {}
    early = and_(CheckinEarly.schedule_id == Schedule.id, CheckinEarly.user_id == user_id, CheckinEarly.slot > now)
    statement = (select(Schedule, CheckinEarly.slot).outerjoin(CheckinEarly, early)
                 .where(Schedule.project_id.in_(project_ids), Schedule.kind == "checkin", Schedule.enabled.is_(True)))
    found: dict[int, tuple[Schedule, set[int]]] = {}
    for schedule, slot in (await session.execute(statement)).all():
        _, slots = found.setdefault(schedule.project_id, (schedule, set()))
        if slot is not None:
            slots.add(int(slot.timestamp()))
    return {project_id: (schedule, frozenset(slots)) for project_id, (schedule, slots) in found.items()}


async def open_checkins(session: AsyncSession, project_ids: list[int], user_id: str,
                        now: datetime) -> dict[int, OpenRun]:
    """Per project, the newest check-in run whose window is open now and that asked the person (a `local`
    run once their own slot has come), one statement."""
    if not project_ids:
        return {}
    answer = and_(CheckinAnswer.run_id == ScheduleRun.id, CheckinAnswer.user_id == user_id)
    prompt = and_(CheckinPrompt.run_id == ScheduleRun.id, CheckinPrompt.user_id == user_id)
    statement = (select(ScheduleRun, CheckinAnswer.id, CheckinPrompt.asked_at, CheckinPrompt.closes_at)
                 .outerjoin(CheckinAnswer, answer).outerjoin(CheckinPrompt, prompt)
                 .where(ScheduleRun.project_id.in_(project_ids), ScheduleRun.kind == "checkin",
                        ScheduleRun.skipped.is_(False), ScheduleRun.closed_at.is_(None),
                        or_(ScheduleRun.closes_at.is_(None), ScheduleRun.closes_at > now))
                 .order_by(ScheduleRun.id))
    found: dict[int, OpenRun] = {}
    for run, answer_id, asked_at, own_close in (await session.execute(statement)).all():
        if user_id not in (run.asked or []):
            continue
        if own_close is not None and (asked_at is None or own_close <= now):
            continue  # a `local` run: their slot has not come yet, or their own window has closed
        found[run.project_id] = OpenRun(run, answer_id is not None, own_close or run.closes_at)
    return found
