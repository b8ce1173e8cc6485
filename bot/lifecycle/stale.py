"""The stale-phase nudge (a sweep in the scheduler process): a project with no phase move and no check-in
answer for STALE_PHASE_DAYS gets one gentle question in its channel. Milestones (issue 9) are not on main
yet, so they do not count as activity here.

When the nudge is due follows from the tables alone: the later of the last activity and the previous
nudge's due time, plus the days. Every process computes the same instant, and the nudge row is unique per
(project, due time), so one process posts it, once, across restarts; the next comes only after something
happens and the days pass again, or after another N quiet days."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.services import Services
from bot.views import stale as views
from storage.queries import audit
from storage.queries import stale as rows

log = logging.getLogger("crisp.lifecycle")


def due_at(phase_since: datetime, created_at: datetime, answered_at: datetime | None,
           nudged_due: datetime | None, quiet: timedelta) -> datetime:
    basis = max(moment for moment in (phase_since, created_at, answered_at, nudged_due) if moment is not None)
    return basis + quiet


async def stale_sweep(services: Services) -> str:
    now = services.clock.now()
    quiet = timedelta(days=services.settings.stale_phase_days)
    nudged = 0
    with services.db.background():
        async with services.db.read() as session:
            candidates = await rows.quiet_candidates(session)
        for project, answered_at, nudged_due in candidates:
            due = due_at(project.phase_since, project.created_at, answered_at, nudged_due, quiet)
            if due > now:
                continue
            async with services.db.transaction() as session:
                if not await rows.claim_nudge(session, project, due, now):
                    continue
                await services.outbox.post(session, project.team_id, project.channel_id,
                                           views.nudge(project, now, services.settings.slash_command),
                                           key=f"stale:{project.id}:{due.isoformat()}")
                await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id="crisp",
                                   action="phase.stale_nudge", now=now, phase=project.phase, due=due.isoformat())
            nudged += 1
            log.info("project %s: quiet since %s, nudged", project.id, (due - quiet).isoformat())
    return f"projects={len(candidates)} nudged={nudged}"
