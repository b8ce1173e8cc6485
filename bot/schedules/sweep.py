"""The stateless schedule sweep (every 30 s, in whichever process runs the scheduler).

A slot is due when it has passed and its schedule has no run for it. Inserting the run row claims the slot
(unique per schedule and slot): a second process, or a second pass, inserts nothing and moves on. The run's
messages are queued in that same transaction, so a slot is never half-run. After downtime only each
schedule's latest slot is looked at: within SCHEDULE_GRACE_HOURS of it, it runs once; later, it is recorded
as skipped and logged (the team would rather not be asked yesterday's question). Then open check-ins get
their reminder and their summary when due."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.checkins import local
from bot.checkins import service as checkins
from bot.digests import service as digests
from bot.schedules.service import spec_of
from bot.schedules.slots import latest_slot
from bot.services import Services
from storage.queries import schedules as rows
from storage.tables import Schedule

log = logging.getLogger("crisp.schedules")


async def schedule_sweep(services: Services) -> str:
    now = services.clock.now()
    grace = timedelta(hours=services.settings.schedule_grace_hours)
    ran = skipped = 0
    with services.db.background():
        async with services.db.read() as session:
            candidates = await rows.enabled_schedules(session)
        for schedule, newest in candidates:
            if spec_of(schedule).local:
                ran += await local.run_local(services, schedule, newest, now, grace)
                continue
            slot = latest_slot(spec_of(schedule), now, not_before=schedule.since)
            if slot is None or (newest is not None and newest >= slot):
                continue
            outcome = await run_slot(services, schedule, slot, now, grace)
            ran += outcome == "ran"
            skipped += outcome == "skipped"
        asked = await local.prompt_due(services)
        reminded = await checkins.remind_due(services)
        closed = await checkins.close_due(services)
    return (f"schedules={len(candidates)} ran={ran} skipped={skipped} asked_local={asked} reminded={reminded} "
            f"closed={closed}")


async def run_slot(services: Services, schedule: Schedule, slot: datetime, now: datetime, grace: timedelta) -> str:
    """"ran", "skipped" (too late), or "taken" (another process or pass has it)."""
    late = now - slot > grace
    async with services.db.transaction() as session:
        project = await rows.project_of(session, schedule.project_id)
        if project is None or project.archived_at is not None:
            return "taken"
        run = await rows.claim_slot(session, {
            "team_id": schedule.team_id, "project_id": schedule.project_id, "schedule_id": schedule.id,
            "kind": schedule.kind, "slot": slot, "started_by": "crisp", "skipped": late, "asked": [],
            "opened_at": now})
        if run is None:
            return "taken"
        if late:
            log.warning("schedule %s (%s of project %s): slot %s skipped, found %s after it (grace %s)",
                        schedule.id, schedule.kind, schedule.project_id, slot.isoformat(), now - slot, grace)
            return "skipped"
        if schedule.kind == "checkin":
            await checkins.open_run(services, session, project, run, now, tz=schedule.tz)
        else:
            await digests.send(services, session, project, run, now)
        log.info("schedule %s (%s of project %s): slot %s ran", schedule.id, schedule.kind, schedule.project_id,
                 slot.isoformat())
    return "ran"
