"""`local` check-ins: each member asked at the schedule's time in their own Slack time zone (as the people
directory last read it; DEFAULT_TIMEZONE when unknown), correct across daylight-saving changes.

The claim has two levels. One run per (schedule, day): the first sweep after the earliest member's slot of
that day inserts it (unique per schedule and slot, the slot being the day at 00:00 UTC) with one prompt row
per member (unique per run and member), each with its own due time, reminder time and close. Each sweep
then takes the prompts whose time has come (locked, so one process takes each) and asks those members; the
run's summary comes when the last member's window has closed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.checkins import away as leave
from bot.checkins import service as checkins
from bot.people.directory import known
from bot.schedules.service import spec_of
from bot.schedules.slots import day_key, local_days, member_slot
from bot.services import Services
from bot.views import checkins as views
from storage.queries import audit
from storage.queries import checkins as rows
from storage.queries import schedules as schedule_rows
from storage.tables import Schedule

log = logging.getLogger("crisp.checkins")


async def run_local(services: Services, schedule: Schedule, newest: datetime | None, now: datetime,
                    grace: timedelta) -> int:
    """Open the run of each day whose first member slot has come (once); returns how many opened."""
    spec = spec_of(schedule)
    opened = 0
    for day in local_days(spec, now):
        key = day_key(day)
        if newest is not None and newest >= key:
            continue
        async with services.db.transaction() as session:
            project = await schedule_rows.project_of(session, schedule.project_id)
            if project is None or project.archived_at is not None:
                return opened
            team_now = await checkins.members(services, session, project.id)
            people = await known(session, project.team_id, team_now)
            fallback = ZoneInfo(services.settings.default_timezone)
            zones = {u: people[u].zone() or fallback for u in team_now}
            due = {u: member_slot(spec, day, zones[u]) for u in team_now}
            wanted = {u: at for u, at in due.items() if at >= schedule.since and now - at <= grace}
            if not wanted or min(wanted.values()) > now:
                continue
            run = await schedule_rows.claim_slot(session, {
                "team_id": schedule.team_id, "project_id": schedule.project_id, "schedule_id": schedule.id,
                "kind": "checkin", "slot": key, "started_by": "crisp", "skipped": False, "asked": [],
                "opened_at": now})
            if run is None:
                continue
            length = checkins.window(services)
            away = await leave.who_is_away(session, project, list(wanted), now, fallback)
            asked = [u for u in wanted if u not in away]
            run.asked, run.away = asked, away or None
            run.closes_at = max((wanted[u] for u in asked), default=now) + length
            await session.flush()
            await rows.add_prompts(session, [
                {"run_id": run.id, "team_id": project.team_id, "user_id": u, "tz": zones[u].key, "due_at": wanted[u],
                 "remind_at": wanted[u] + length / 2, "closes_at": wanted[u] + length} for u in asked])
            await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id="crisp",
                               action="checkin.opened", now=now, run=run.id, asked=len(asked), local=True)
            opened += 1
            log.info("schedule %s (local check-in of project %s): day %s opened, %s members", schedule.id,
                     schedule.project_id, day.isoformat(), len(asked))
    return opened


async def prompt_due(services: Services) -> int:
    """Ask each member whose own slot has come; remind those halfway through their own window."""
    now = services.clock.now()
    sent = 0
    async with services.db.transaction() as session:
        for prompt in await rows.claim_prompts_due(session, now=now, limit=checkins.BATCH):
            prompt.asked_at = now
            run = await schedule_rows.get_run(session, prompt.run_id)
            project = await schedule_rows.project_of(session, run.project_id)
            if project is None or project.archived_at is not None or run.closed_at is not None:
                continue
            await services.outbox.post(session, prompt.team_id, prompt.user_id, views.prompt(project, run),
                                       key=checkins.ask_key(run.id, prompt.user_id))
            sent += 1
        for prompt in await rows.claim_prompt_reminders(session, now=now, limit=checkins.BATCH):
            prompt.reminded_at = now
            if prompt.closes_at <= now or await schedule_rows.answer_of(session, prompt.run_id, prompt.user_id):
                continue
            run = await schedule_rows.get_run(session, prompt.run_id)
            project = await schedule_rows.project_of(session, run.project_id)
            if project is not None and run.closed_at is None:
                await services.outbox.post(session, prompt.team_id, prompt.user_id, views.reminder(project, run),
                                           key=f"checkin:{run.id}:remind:{prompt.user_id}")
        await session.flush()
    return sent
