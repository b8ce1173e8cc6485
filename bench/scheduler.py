"""1,000 projects with check-ins due in the same minute: how long until every DM is queued (outbox rows
committed by one schedule sweep) and until every DM is delivered (recorded by the Slack stand-in), and the
peak RSS of the process.

Runs the bot's runtime in this process (outbox worker on, no HTTP, no APScheduler: the sweep is called
once, as the `schedules.sweep` job would) against a Slack stand-in in this process too, so the RSS is the
bot's, the stand-in's and the bench's together. The worker sends while the sweep still queues, in the same
event loop, as in the `clock` process; `--worker-after-sweep` starts it only once the sweep has returned, to
show the sweep's own share of the queued time.

    python bench/scheduler.py [--projects 1000] [--members 2] [--database-url URL] [--worker-after-sweep]
Targets: every DM queued within 5 s, RSS under 200 MB. SQLite by default (a fresh file); PostgreSQL with
`--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/crisp_bench` (created if missing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.burst import prepare  # noqa: E402
from bench.latency import BOT_TOKEN, SIGNING_SECRET, TEAM  # noqa: E402
from bot.slack_standin import SlackStandIn  # noqa: E402


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


async def seed(database_url: str, projects: int, members: int, now: datetime) -> None:
    """`projects` projects, `members` role holders each, every one with a daily check-in at this minute (UTC)."""
    from sqlalchemy import delete

    from storage.db import Database
    from storage.tables import (AuditEntry, OutboxMessage, Project, RoleAssignment, Schedule, ScheduleRun,
                                SlackMessage)

    db = Database(database_url)
    since = now - timedelta(days=1)
    async with db.transaction() as session:
        for table in (ScheduleRun, Schedule, RoleAssignment, SlackMessage, AuditEntry, OutboxMessage, Project):
            await session.execute(delete(table))
        rows = [Project(team_id=TEAM, channel_id=f"C0B{n:05d}", name=f"Bench {n}", slug=f"bench-{n}",
                        phase="modeling", phase_since=since, iteration=1, created_by="U0BENCH", created_at=since)
                for n in range(projects)]
        session.add_all(rows)
        await session.flush()
        roles = ("data-scientist", "ml-engineer", "data-engineer", "product-owner")
        for n, project in enumerate(rows):
            session.add_all(RoleAssignment(team_id=TEAM, project_id=project.id, user_id=f"U{n:05d}M{m}",
                                           role=roles[m % len(roles)], assigned_by="U0BENCH", assigned_at=since)
                            for m in range(members))
            session.add(Schedule(team_id=TEAM, project_id=project.id, kind="checkin", days="mon,tue,wed,thu,fri,sat,sun",
                                 at_time=now.strftime("%H:%M"), tz="UTC", enabled=True, since=since,
                                 updated_by="U0BENCH", updated_at=since))
    await db.dispose()


async def count_outbox(runtime) -> int:
    from sqlalchemy import func, select

    from storage.tables import OutboxMessage

    async with runtime.db.read() as session:
        return (await session.execute(select(func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.method == "chat.postMessage"))).scalar_one()


async def run(projects: int, members: int, database_url: str | None, timeout: float,
              worker_after_sweep: bool = False) -> dict:
    from bot.runtime import Runtime
    from bot.schedules.sweep import schedule_sweep
    from bot.settings import Settings

    workdir = tempfile.mkdtemp(prefix="crisp-scheduler-")
    database_url = database_url or f"sqlite+aiosqlite:///{workdir}/scheduler.db"
    await prepare(database_url)
    now = datetime.now(UTC)
    if now.second > 50:  # keep the slot's minute and the sweep's minute the same
        await asyncio.sleep(61 - now.second)
        now = datetime.now(UTC)
    await seed(database_url, projects, members, now)

    standin = SlackStandIn()
    api_url = await standin.start()
    expected = projects * members
    for n in range(projects):
        for m in range(members):
            standin.add_user(f"U{n:05d}M{m}", f"person-{n}-{m}")
    delivered = asyncio.Event()
    count = 0

    def on_call(call) -> None:
        nonlocal count
        if call.method == "chat.postMessage" and call.ok:
            count += 1
            if count >= expected:
                delivered.set()

    standin.listen(on_call)
    settings = Settings(_env_file=None, slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET,
                        slack_app_token=None, slack_api_url=api_url, database_url=database_url, host="127.0.0.1",
                        port=0, scheduler_enabled=False, log_level="ERROR", default_timezone="UTC")
    runtime = Runtime(settings)
    await runtime.start(http=False, worker=not worker_after_sweep, scheduler=False)
    rss_before = peak_rss_mb()
    late_worker = None
    try:
        started, cpu_started = time.perf_counter(), cpu_seconds()
        summary = await schedule_sweep(runtime.services)
        queued_s, queued_cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        if worker_after_sweep:
            late_worker = asyncio.create_task(runtime.worker.run_forever())
        queued = await count_outbox(runtime)
        try:
            await asyncio.wait_for(delivered.wait(), timeout)
        except TimeoutError:
            pass
        delivered_s = time.perf_counter() - started
    finally:
        if late_worker is not None:
            runtime.worker.stop()
            await asyncio.gather(late_worker, return_exceptions=True)
        await runtime.stop()
        await standin.stop()
    return {"database": database_url.split(":", 1)[0], "projects": projects, "dms_expected": expected,
            "worker": "after the sweep" if worker_after_sweep else "during the sweep",
            "sweep": summary, "dms_queued": queued, "queued_s": round(queued_s, 2),
            "queued_cpu_s": round(queued_cpu, 2), "load_average": round(os.getloadavg()[0], 1), "dms_delivered": count,
            "delivered_s": round(delivered_s, 2), "rss_before_sweep_mb": round(rss_before, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--members", type=int, default=2, help="role holders per project (each gets a DM)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for every DM to be delivered")
    parser.add_argument("--worker-after-sweep", action="store_true",
                        help="start the outbox worker once the sweep has returned (default: running throughout)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = asyncio.run(run(args.projects, args.members, args.database_url, args.timeout,
                              args.worker_after_sweep))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['projects']} projects' check-ins due in one minute, database {figures['database']}, "
          f"outbox worker sending {figures['worker']}")
    print(f"  sweep: {figures['sweep']}")
    print(f"  {figures['dms_queued']} of {figures['dms_expected']} DMs queued in {figures['queued_s']} s "
          f"(target <= 5 s; this process used {figures['queued_cpu_s']} s of CPU meanwhile; "
          f"load average {figures['load_average']})")
    print(f"  {figures['dms_delivered']} of {figures['dms_expected']} DMs delivered after {figures['delivered_s']} s")
    print(f"  peak RSS {figures['peak_rss_mb']} MB (target < 200 MB; {figures['rss_before_sweep_mb']} MB before "
          f"the sweep)")


if __name__ == "__main__":
    main()
