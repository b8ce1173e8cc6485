"""`docs export` for a big project: how long building the Markdown takes, and the whole export through the
outbox (the export row, the users.info look-ups, the upload's three steps) against the Slack stand-in.

One project with 6 phases × 20 records (20 iterations each, every record in 2 versions, five fields of a few
hundred characters, hostile Markdown in some), 200 milestones, 60 phase moves, 12 role holders and 30 open
requests. Measured in one process, in the same run:

  build           bot.export.service.build: the reads, the names (cached) and the Markdown
  markdown only   bot.export.markdown.build on data already read
  baseline        the same rows read with one plain SELECT per table and joined into text with no escaping
                  and no names: the least any export could do
  export          `docs export` queued as the command does, then the outbox drained until the file is shared
                  (a fake clock skips the channel's pacing between uploads: the figures are the work, not waits)
  upload baseline the same bytes uploaded through the outbox (no building): what sharing a file costs

    python bench/docs_export.py [--runs 30] [--database-url URL]
Target: `docs export` builds its Markdown in under 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.burst import prepare  # noqa: E402
from bot.crisp_dm import PHASE_ORDER  # noqa: E402
from bot.docs.fields import FIELDS  # noqa: E402

TEAM, CHANNEL, USER = "T0CRISP", "C0BENCH", "U0ADMIN"
PEOPLE = [f"U0PERSON{n}" for n in range(12)]
ROLES = ["product-owner", "data-scientist", "data-engineer", "ml-engineer", "devops", "sponsor"]
ITERATIONS, VERSIONS, MILESTONES, MOVES, OPEN_REQUESTS = 20, 2, 200, 60, 30
PROSE = ("Gradient boosting on 48 features; the # of trees [x](http://evil) <script> ``` fence and *marks* "
         "chosen by 5-fold CV stratified by month. ") * 3


async def seed(database_url: str) -> int:
    from sqlalchemy import delete

    from storage.db import Database
    from storage.migrate import upgrade_to_head
    from storage.tables import (DocRecord, DocRequest, Milestone, OutboxMessage, PhaseTransition, Project,
                                RoleAssignment, SlackUser)

    await prepare(database_url)  # a PostgreSQL database is created when missing
    db = Database(database_url)
    await upgrade_to_head(db.engine)
    start = datetime.now(UTC) - timedelta(days=200)
    async with db.transaction() as session:
        for table in (OutboxMessage, DocRecord, DocRequest, Milestone, PhaseTransition, RoleAssignment, SlackUser,
                      Project):
            await session.execute(delete(table))
        project = Project(team_id=TEAM, channel_id=CHANNEL, name="Bench Radar", slug="bench-radar",
                          phase="modeling", phase_since=start, iteration=ITERATIONS, created_by=USER, created_at=start)
        session.add(project)
        await session.flush()
        for n in range(MOVES):
            before, after = PHASE_ORDER[n % 6], PHASE_ORDER[(n + 1) % 6]
            session.add(PhaseTransition(project_id=project.id, from_phase=before.value if n else None,
                                        to_phase=after.value, backward=after.number < before.number,
                                        iteration=1 + n // 6, actor_id=USER, note=f"move {n} *why* <!here>",
                                        created_at=start + timedelta(hours=n)))
        for n, user in enumerate(PEOPLE):
            session.add(RoleAssignment(team_id=TEAM, project_id=project.id, user_id=user, role=ROLES[n % len(ROLES)],
                                       assigned_by=USER, assigned_at=start))
        for phase in PHASE_ORDER:
            for iteration in range(1, ITERATIONS + 1):
                for version in range(1, VERSIONS + 1):
                    session.add(DocRecord(team_id=TEAM, project_id=project.id, phase=phase.value, iteration=iteration,
                                          version=version, fields={f.key: f"{f.label} v{version}: {PROSE}"
                                                                   for f in FIELDS[phase]},
                                          link="https://wiki.example.com/records/" + phase.value, author=PEOPLE[version],
                                          submitted_at=start + timedelta(days=iteration, minutes=version)))
        for n in range(MILESTONES):
            session.add(Milestone(team_id=TEAM, project_id=project.id, name=f"Milestone {n} [x](http://evil)",
                                  name_key=f"milestone {n}", phase=PHASE_ORDER[n % 6].value, iteration=1 + n % 20,
                                  due=date(2026, 1, 1) + timedelta(days=n), added_by=USER, added_at=start,
                                  done_by=PEOPLE[n % 12] if n % 2 else None,
                                  done_at=start + timedelta(days=n) if n % 2 else None))
        for n in range(OPEN_REQUESTS):
            session.add(DocRequest(team_id=TEAM, project_id=project.id, phase=PHASE_ORDER[n % 6].value,
                                   iteration=ITERATIONS + 1 + n // 6, trigger="phase-exit",
                                   asked=[{"user": PEOPLE[n % 12], "role": "data-scientist"}], requested_by=USER,
                                   requested_at=start + timedelta(days=n),
                                   overdue_at=start if n % 3 == 0 else None))
        project_id = project.id
    await db.dispose()
    return project_id


async def baseline_build(db, project_id: int) -> str:
    """The same rows, one plain SELECT per table, joined into text: no escaping, no names, no labels."""
    from sqlalchemy import select

    from storage.tables import DocRecord, DocRequest, Milestone, PhaseTransition, Project, RoleAssignment

    async with db.read() as session:
        project = await session.get(Project, project_id)
        rows = [list((await session.execute(select(table).where(table.project_id == project_id))).scalars())
                for table in (PhaseTransition, RoleAssignment, DocRecord, DocRequest, Milestone)]
    moves, roles, records, requests, milestones = rows
    latest: dict[tuple[str, int], DocRecord] = {}
    for record in records:
        if (record.phase, record.iteration) not in latest or latest[record.phase, record.iteration].version < record.version:
            latest[record.phase, record.iteration] = record
    lines = [f"# {project.name}", *(f"- {m.from_phase} -> {m.to_phase} {m.actor_id} {m.note}" for m in moves),
             *(f"- {r.role}: {r.user_id}" for r in roles)]
    for record in latest.values():
        lines.append(f"## {record.phase} {record.iteration}")
        lines.extend(f"{key}: {value}" for key, value in record.fields.items())
    lines.extend(f"missing {r.phase} {r.iteration}" for r in requests)
    lines.extend(f"- {m.name} {m.due}" for m in milestones)
    return "\n".join(lines)


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms"


async def timed(runs: int, work) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    database_url = options.database_url or f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"

    from bot.clock import FakeClock
    from bot.export import markdown
    from bot.export import service as export
    from bot.permissions import Caller
    from bot.runtime import Runtime
    from bot.settings import Settings
    from bot.slack_standin import SlackStandIn
    from storage.tables import Project

    project_id = await seed(database_url)
    standin = SlackStandIn()
    await standin.start()
    for user in [USER, *PEOPLE]:
        standin.add_user(user, user.lower().removeprefix("u0"), real_name=user.title())
    standin.add_channel(CHANNEL, "bench")
    settings = Settings(_env_file=None, slack_bot_token="xoxb-bench", slack_signing_secret="bench-secret-0123456789",
                        slack_app_token=None, slack_api_url=standin.base_url, database_url=database_url,
                        host="127.0.0.1", port=0, crisp_admins=USER, scheduler_enabled=False, alert_token=None,
                        alert_hmac_secret=None, alert_channel=None, log_level="WARNING")
    # The lane's pacing (a channel takes about one message a second) would make every export wait for the
    # previous one; a fake clock that the drain moves on skips those waits, so the figures are the work.
    clock = FakeClock(datetime.now(UTC))
    runtime = Runtime(settings, clock=clock)
    await runtime.start(http=False, worker=False)
    services = runtime.services
    try:
        async with runtime.db.read() as session:
            project = await session.get(Project, project_id)
        document = await export.build(services, project, USER)  # warms the name cache (users.info) once
        async with runtime.db.read() as session:
            data = await export.gather(session, project, now=services.clock.now(), by=USER)
        data.names = {user: user.lower() for user in data.people()}

        build = await timed(options.runs, lambda: export.build(services, project, USER))
        only = await timed(options.runs, lambda: asyncio.sleep(0, markdown.build(data, export.labels)))
        bare = await timed(options.runs, lambda: baseline_build(runtime.db, project_id))

        caller = Caller(TEAM, USER, is_admin=True)

        async def whole_export() -> None:
            before = len(standin.calls_to("files.completeUploadExternal"))
            await export.request(services, caller, project, None)
            await runtime.worker.drain(advance=clock.advance)
            assert len(standin.calls_to("files.completeUploadExternal")) == before + 1

        async def bare_upload() -> None:
            before = len(standin.calls_to("files.completeUploadExternal"))
            async with runtime.db.transaction() as session:
                await services.outbox.upload(session, TEAM, CHANNEL, filename="bench.md", content=document.encode())
            await runtime.worker.drain(advance=clock.advance)
            assert len(standin.calls_to("files.completeUploadExternal")) == before + 1

        exports = await timed(max(5, options.runs // 3), whole_export)
        uploads = await timed(max(5, options.runs // 3), bare_upload)
    finally:
        await runtime.stop()
        await standin.stop()

    records = sum(1 for line in document.splitlines() if line.startswith("### Record") and "missing" not in line)
    print(f"docs export bench: {options.runs} runs on {database_url.split(':', 1)[0]}; document "
          f"{len(document.encode()):,} bytes, {records} records, {document.count('**Missing**')} missing, "
          f"{sum(1 for line in document.splitlines() if line.startswith('- Milestone'))} milestones")
    print(f"  build (reads + names + Markdown)   {figures(build)}")
    print(f"  markdown only (data already read)  {figures(only)}")
    print(f"  baseline: plain reads, no escaping {figures(bare)}")
    print(f"  export through the outbox          {figures(exports)}")
    print(f"  baseline: upload of the same bytes {figures(uploads)}")
    print(f"  build p50 / baseline p50: {statistics.median(build) / statistics.median(bare):.2f}; "
          f"export p50 - upload p50: {statistics.median(exports) - statistics.median(uploads):.1f} ms")
    print(f"target: build under 200 ms: {'met' if max(build) < 200 else 'NOT met'} (max {max(build):.1f} ms)")


if __name__ == "__main__":
    asyncio.run(main())
