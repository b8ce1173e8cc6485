"""Scheduled work: APScheduler 3.x triggers stateless sweeps over the database.

APScheduler keeps no job state of its own here (memory job store, rebuilt at start): what is due
is in the tables, and each sweep claims its rows, so a restart or a second process neither loses
nor doubles anything.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.alerts.renotify import renotify_sweep
from bot.alerts.silences import silence_sweep
from bot.docs.sweep import docs_sweep
from bot.people.directory import refresh_sweep as people_refresh
from bot.digests.figures import figure_sweep
from bot.lifecycle.stale import stale_sweep
from bot.schedules.sweep import schedule_sweep
from bot.services import Services
from bot.workspaces.service import purge_expired
from storage.queries import outbox as outbox_rows

log = logging.getLogger("crisp.jobs")

SETTLED_OUTBOX_KEPT_FOR = timedelta(days=7)


async def purge_settled_outbox(services: Services) -> str:
    """Sent, failed and superseded rows are kept a week for investigation, then dropped. Where a keyed
    message lives (slack_message) is domain data and stays, so it can still be edited or replied to."""
    async with services.db.transaction() as session:
        removed = await outbox_rows.purge_settled(session, before=services.clock.now() - SETTLED_OUTBOX_KEPT_FOR)
    return f"removed={removed}"


Job = Callable[[Services], Awaitable[str]]
# name -> (job, seconds between runs)
JOBS: dict[str, tuple[Job, int]] = {
    "outbox.purge": (purge_settled_outbox, 3600),
    "alerts.renotify": (renotify_sweep, 60),     # unacknowledged critical groups: again, then escalated
    "alerts.silences": (silence_sweep, 10),      # Alertmanager silences to create or expire
    "schedules.sweep": (schedule_sweep, 30),     # check-ins and digests due; check-in reminders and summaries
    "docs.sweep": (docs_sweep, 300),             # overdue milestones announced; documentation reminders
    "digests.figures": (figure_sweep, 5),        # digest timelines to draw and upload (off the request path)
    "lifecycle.stale": (stale_sweep, 600),       # a quiet project's gentle question, once per quiet spell
    "people.refresh": (people_refresh, 600),     # names, time zones and vacation status of the people in projects
    "workspaces.purge": (purge_expired, 3600),   # data of workspaces uninstalled UNINSTALLED_DATA_DAYS ago
}


async def run_job(services: Services, name: str, job: Job) -> None:
    """One log line and one metric per run, whatever happens."""
    started = time.perf_counter()
    try:
        summary = await job(services)
    except Exception:
        services.metrics.job_runs.labels(job=name, outcome="error").inc()
        log.exception("job run name=%s outcome=error ms=%.1f", name, (time.perf_counter() - started) * 1000)
        return
    services.metrics.job_runs.labels(job=name, outcome="ok").inc()
    elapsed_ms = (time.perf_counter() - started) * 1000
    log.info("job run name=%s outcome=ok %s ms=%.1f", name, summary, elapsed_ms,
             extra={"job": name, "outcome": "ok", "ms": round(elapsed_ms, 1)})


def build_scheduler(services: Services) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for name, (job, every_seconds) in JOBS.items():
        scheduler.add_job(run_job, "interval", seconds=every_seconds, args=(services, name, job), id=name,
                          name=name, max_instances=1, coalesce=True, misfire_grace_time=every_seconds)
    return scheduler
