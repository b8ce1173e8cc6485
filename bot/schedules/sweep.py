"""The stateless schedule sweep (every 30 s, in whichever process runs the scheduler).

A slot is due when it has passed and its schedule has no run for it. Inserting the run row claims the slot
(unique per schedule and slot): a second process, or a second pass, inserts nothing and moves on. The run's
messages are queued in that same transaction, so a slot is never half-run. After downtime only each
schedule's latest slot is looked at: within SCHEDULE_GRACE_HOURS of it, it runs once; later, it is recorded
as skipped and logged (the team would rather not be asked yesterday's question). Project schedules
(check-ins, digests) and people's portfolio digests are swept alike. Then open check-ins get their reminder
and their summary when due."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins import local
from bot.checkins import service as checkins
from bot.digests import portfolio
from bot.digests import service as digests
from bot.schedules.service import spec_of
from bot.schedules.slots import latest_slot
from bot.services import Services
from storage.queries import digests as portfolio_rows
from storage.queries import schedules as rows
from storage.tables import PortfolioRun, PortfolioSchedule, Schedule, ScheduleRun

log = logging.getLogger("crisp.schedules")

# Due slots run this many to a transaction: their runs claimed by one insert, their projects read at once.
BATCH = 100


def due_slot(schedule: Schedule | PortfolioSchedule, newest: datetime | None, now: datetime) -> datetime | None:
    """The schedule's latest passed slot (since it was set) when no run has it yet."""
    slot = latest_slot(spec_of(schedule), now, not_before=schedule.since)
    return None if slot is None or (newest is not None and newest >= slot) else slot


async def schedule_sweep(services: Services) -> str:
    now = services.clock.now()
    grace = timedelta(hours=services.settings.schedule_grace_hours)
    outcomes: list[str] = []
    with services.db.background():
        async with services.db.read() as session:
            candidates = await rows.enabled_schedules(session)
            portfolios = await portfolio_rows.enabled_portfolios(session)
        due = []
        local_ran = 0
        for schedule, newest in candidates:
            if spec_of(schedule).local:
                # Each member at that time in their own zone: a run per day, a prompt per member.
                local_ran += await local.run_local(services, schedule, newest, now, grace)
            elif (slot := due_slot(schedule, newest, now)) is not None:
                due.append((schedule, slot))
        for start in range(0, len(due), BATCH):
            outcomes += await run_batch(services, due[start:start + BATCH], now, grace)
        for schedule, newest in portfolios:
            if (slot := due_slot(schedule, newest, now)) is not None:
                outcomes.append(await run_portfolio_slot(services, schedule, slot, now, grace))
        asked = await local.prompt_due(services)
        reminded = await checkins.remind_due(services)
        closed = await checkins.close_due(services)
    return (f"schedules={len(candidates) + len(portfolios)} ran={outcomes.count('ran') + local_ran} "
            f"skipped={outcomes.count('skipped')} asked_local={asked} reminded={reminded} closed={closed}")


async def claim(session: AsyncSession, model, values: dict[str, Any], schedule, slot: datetime, now: datetime,
                grace: timedelta) -> tuple[str, Any]:
    """Insert the run claiming (schedule, slot): ("run", row) to run it now, ("skipped", row) when it is found
    past the grace (recorded, logged, not run), ("taken", None) when another process or pass has it."""
    late = now - slot > grace
    run = await rows.claim_slot(session, {**values, "schedule_id": schedule.id, "slot": slot, "skipped": late,
                                          "opened_at": now}, model)
    if run is None:
        return "taken", None
    if late:
        _log_skipped(schedule, slot, now, grace)
        return "skipped", run
    return "run", run


async def run_batch(services: Services, due: list[tuple[Schedule, datetime]], now: datetime,
                    grace: timedelta) -> list[str]:
    """Run these slots in one transaction; if any fails, all are rolled back and run one by one, so one
    project's trouble delays nobody else's."""
    try:
        async with services.db.transaction() as session, services.outbox.batched(session):
            return await _run_many(services, session, due, now, grace)
    except Exception:
        log.exception("a batch of %s schedule slots failed; running them one by one", len(due))
    outcomes = []
    for schedule, slot in due:
        try:
            outcomes.append(await run_slot(services, schedule, slot, now, grace))
        except Exception:
            log.exception("schedule %s (%s of project %s): slot %s failed; the next sweep tries again",
                          schedule.id, schedule.kind, schedule.project_id, slot.isoformat())
            outcomes.append("failed")
    return outcomes


async def _run_many(services: Services, session: AsyncSession, due: list[tuple[Schedule, datetime]],
                    now: datetime, grace: timedelta) -> list[str]:
    projects = await rows.projects_by_id(session, [schedule.project_id for schedule, _ in due])
    active = [(schedule, slot) for schedule, slot in due
              if (project := projects.get(schedule.project_id)) is not None and project.archived_at is None]
    runs = await rows.claim_slots(session, [
        {"team_id": schedule.team_id, "project_id": schedule.project_id, "schedule_id": schedule.id,
         "kind": schedule.kind, "slot": slot, "started_by": "crisp", "skipped": now - slot > grace, "asked": [],
         "opened_at": now} for schedule, slot in active])
    outcomes = ["taken"] * (len(due) - len(active))
    checkin_runs = []
    for schedule, slot in active:
        run = runs.get(schedule.id)
        if run is None:
            outcomes.append("taken")
        elif run.skipped:
            _log_skipped(schedule, slot, now, grace)
            outcomes.append("skipped")
        elif schedule.kind == "checkin":
            checkin_runs.append((schedule, run))  # opened together below: their reads and writes shared
            outcomes.append("ran")
        else:
            await _run(services, session, projects[schedule.project_id], schedule, run, now)
            outcomes.append("ran")
    await checkins.open_runs(services, session, [(projects[schedule.project_id], run, schedule.tz)
                                                 for schedule, run in checkin_runs], now)
    for schedule, run in checkin_runs:
        _log_ran(schedule, run)
    return outcomes


def _log_skipped(schedule, slot: datetime, now: datetime, grace: timedelta) -> None:
    log.warning("schedule %s (%s): slot %s skipped, found %s after it (grace %s)", schedule.id,
                getattr(schedule, "kind", "portfolio"), slot.isoformat(), now - slot, grace)


async def _run(services: Services, session: AsyncSession, project, schedule: Schedule, run: ScheduleRun,
               now: datetime) -> None:
    if schedule.kind == "checkin":
        await checkins.open_run(services, session, project, run, now, tz=schedule.tz)
    else:
        await digests.send(services, session, project, run, now)
    _log_ran(schedule, run)


def _log_ran(schedule: Schedule, run: ScheduleRun) -> None:
    log.info("schedule %s (%s of project %s): slot %s ran", schedule.id, schedule.kind, schedule.project_id,
             run.slot.isoformat())


async def run_slot(services: Services, schedule: Schedule, slot: datetime, now: datetime, grace: timedelta) -> str:
    """"ran", "skipped" (too late), or "taken" (another process or pass has it)."""
    async with services.db.transaction() as session:
        project = await rows.project_of(session, schedule.project_id)
        if project is None or project.archived_at is not None:
            return "taken"
        outcome, run = await claim(session, ScheduleRun, {
            "team_id": schedule.team_id, "project_id": schedule.project_id, "kind": schedule.kind,
            "started_by": "crisp", "asked": []}, schedule, slot, now, grace)
        if outcome != "run":
            return outcome
        await _run(services, session, project, schedule, run, now)
    return "ran"


async def run_portfolio_slot(services: Services, schedule: PortfolioSchedule, slot: datetime, now: datetime,
                             grace: timedelta) -> str:
    async with services.db.transaction() as session:
        outcome, run = await claim(session, PortfolioRun, {"team_id": schedule.team_id, "user_id": schedule.user_id,
                                                           "projects": []}, schedule, slot, now, grace)
        if outcome != "run":
            return outcome
        await portfolio.send(services, session, run, now)
    return "ran"
