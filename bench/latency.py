"""Latency of `/crisp status`, `phase`, `phase history` and `roles` against two baselines, measured in one run.

Starts four servers as separate processes, on loopback:
  crisp           `python -m bot serve` on a database holding one project with 1,000 audit rows,
                  200 phase transitions and 50 role changes (measured on each of its commands)
  bare-aiohttp    an aiohttp handler that reads the body and answers a fixed JSON ack
  bare-aiohttp+db an aiohttp handler making the same read as status on the same database
  bolt-default    a slack-bolt AsyncApp with default settings that acks the command
and sends each the same signed slash command, one request at a time, interleaving them in
rounds so machine noise falls on all alike. Prints p50/p99 per server and the ratios.

    python bench/latency.py [--requests 3000] [--database-url URL] [--oauth]
Targets: crisp p50 within 2x bare-aiohttp, and below bolt-default.

With --oauth Crisp serves many workspaces (SLACK_CLIENT_ID/SECRET, no SLACK_BOT_TOKEN): 1,000 workspaces are
installed (slack-sdk's installation tables) and each has a project of its own; Crisp's status requests go
round the workspaces, so each is authorized from the installation store (its cache mostly cold) as well.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.console.slack_requests import signed_headers  # noqa: E402
from bot.slack_standin import SlackStandIn  # noqa: E402

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
TEAM, CHANNEL, USER = "T0CRISP", "C0BENCH", "U0BENCH"
AUDIT_ROWS = 1000
TRANSITIONS = 200
ROLE_CHANGES = 50
# The commands measured on Crisp, each with the first words its answer must start with.
INSTALLED_WORKSPACES = 1000
OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET = "1111111111.2222222222", "bench-client-secret"
CRISP_CASES = {"status": "Bench Radar is in Modeling", "phase": "Bench Radar is in Modeling",
               "phase history": "Bench Radar phase history: 199 moves, now in Modeling",
               "roles": "Bench Radar team:"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def transitions(start, project_id: int) -> list:
    """TRANSITIONS moves (the start included): through all six phases, then round data preparation,
    modeling and evaluation (back from deployment or evaluation to data preparation), ending in modeling."""
    from datetime import timedelta

    from bot.crisp_dm import Phase
    from storage.tables import PhaseTransition

    path = list(Phase)
    loop = [Phase.DATA_PREPARATION, Phase.MODELING, Phase.EVALUATION]
    while len(path) < TRANSITIONS:
        path += loop
    path = path[:TRANSITIONS]
    while path[-1] != Phase.MODELING:
        path.pop()
    rows, iteration = [], 1
    for n, phase in enumerate(path):
        before = path[n - 1] if n else None
        backward = before is not None and phase.number < before.number
        iteration += backward
        rows.append(PhaseTransition(project_id=project_id, from_phase=before.value if before else None,
                                    to_phase=phase.value, backward=backward, iteration=iteration, actor_id=USER,
                                    note=f"bench move {n}: the model needs another pass" if n % 3 else None,
                                    created_at=start + timedelta(minutes=n)))
    return rows


async def seed(database_url: str) -> None:
    """Migrate, then one project in C0BENCH with AUDIT_ROWS audit entries, its phase transitions and role
    changes."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import delete

    from storage.db import Database
    from storage.migrate import upgrade_to_head
    from storage.tables import AuditEntry, OutboxMessage, PhaseTransition, Project, RoleAssignment

    db = Database(database_url)
    await upgrade_to_head(db.engine)
    start = datetime.now(UTC) - timedelta(days=3)
    async with db.transaction() as session:
        for table in (AuditEntry, OutboxMessage, PhaseTransition, RoleAssignment, Project):
            await session.execute(delete(table))
        project = Project(team_id=TEAM, channel_id=CHANNEL, name="Bench Radar", slug="bench-radar",
                          phase="modeling", phase_since=start, iteration=2, created_by=USER, created_at=start)
        session.add(project)
        await session.flush()
        session.add_all(AuditEntry(team_id=TEAM, project_id=project.id, actor_id=USER, action="bench.touched",
                                   detail={"n": n}, created_at=start + timedelta(seconds=n))
                        for n in range(AUDIT_ROWS))
        moves = transitions(start - timedelta(days=10), project.id)
        session.add_all(moves)
        project.phase, project.iteration = moves[-1].to_phase, moves[-1].iteration
        roles = ["product-owner", "data-scientist", "data-engineer", "ml-engineer", "sponsor"]
        for n in range(ROLE_CHANGES):  # people come and go: every other assignment ends later
            assigned = start - timedelta(days=9) + timedelta(hours=n)
            session.add(RoleAssignment(team_id=TEAM, project_id=project.id, user_id=f"U0PERSON{n % 12}",
                                       role=roles[n % len(roles)], assigned_by=USER, assigned_at=assigned,
                                       removed_by=USER if n % 2 else None,
                                       removed_at=assigned + timedelta(hours=1) if n % 2 else None))
    await db.dispose()


def workspace(n: int) -> tuple[str, str]:
    """(team, channel) of installed workspace n; workspace 0 is the seeded one."""
    return (TEAM, CHANNEL) if n == 0 else (f"T{n:04d}BENCH", f"C{n:04d}BENCH")


async def seed_installs(database_url: str) -> None:
    """INSTALLED_WORKSPACES installations with a bot token each, and a project in every other workspace."""
    from datetime import UTC, datetime, timedelta

    from slack_sdk.oauth.installation_store import Installation

    from bot.workspaces.store import CrispInstallationStore
    from storage.db import Database
    from storage.tables import Project

    db = Database(database_url)
    store = CrispInstallationStore(db, OAUTH_CLIENT_ID)
    now = datetime.now(UTC)
    for n in range(INSTALLED_WORKSPACES):
        team, _ = workspace(n)
        await store.async_save(Installation(
            app_id="A0CRISP", team_id=team, team_name=f"Bench {n}", bot_token=f"xoxb-bench-{n}", bot_id=f"B{n:04d}",
            bot_user_id=f"U{n:04d}BOT", bot_scopes="commands,chat:write", user_id=USER,
            bot_refresh_token="xoxe-1-bench", bot_token_expires_at=now + timedelta(hours=12),
            installed_at=now.timestamp()))
    async with db.transaction() as session:
        for n in range(1, INSTALLED_WORKSPACES):
            team, channel = workspace(n)
            session.add(Project(team_id=team, channel_id=channel, name=f"Bench Radar {n}", slug=f"bench-radar-{n}",
                                phase="modeling", phase_since=now - timedelta(days=2), iteration=1, created_by=USER,
                                created_at=now - timedelta(days=3)))
    await db.dispose()


async def start(name: str, args: list[str], port: int, env: dict[str, str],
                log: Path | None = None) -> asyncio.subprocess.Process:
    """A server process, its output to a file (a pipe nobody reads would stall it once full); returns once
    its /healthz answers."""
    log = log or Path(tempfile.mkdtemp(prefix="crisp-bench-")) / f"{name}.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(*args, cwd=REPO, env=env, stdout=out, stderr=out)
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return process
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)
    process.kill()
    raise SystemExit(f"{name} did not start: {log.read_text(errors='replace')[-2000:]}")


def status_body(text: str = "status", n: int = 0) -> str:
    team, channel = workspace(n)
    return urlencode({"token": "x", "team_id": team, "team_domain": "bench", "channel_id": channel,
                      "channel_name": "bench", "user_id": USER, "user_name": "bench", "command": "/crisp",
                      "text": text, "api_app_id": "A0CRISP", "response_url": "https://hooks.slack.invalid/x",
                      "trigger_id": "1.2.3"})


async def measure(http: aiohttp.ClientSession, url: str, count: int, text: str = "status",
                  workspaces: int = 1) -> list[float]:
    """`workspaces` > 1: the requests go round that many installed workspaces (OAuth mode)."""
    bodies = [status_body(text, n).encode() for n in range(workspaces)]
    timings = []
    for i in range(count):
        body = bodies[measure.turn % workspaces]
        measure.turn += 1
        headers = signed_headers(SIGNING_SECRET, body.decode(), content_type="application/x-www-form-urlencoded")
        started = time.perf_counter()
        async with http.post(url, data=body, headers=headers) as response:
            payload = await response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}: {payload[:300]!r}")
    return timings


measure.turn = 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run(requests: int, database_url: str | None, oauth: bool = False) -> dict:
    workdir = tempfile.mkdtemp(prefix="crisp-bench-")
    database_url = database_url or f"sqlite+aiosqlite:///{workdir}/bench.db"
    await seed(database_url)
    if oauth:
        await seed_installs(database_url)
    standin = SlackStandIn()
    api_url = await standin.start()
    ports = {"crisp": free_port(), "bare-aiohttp": free_port(), "bare-aiohttp+db": free_port(),
             "bolt-default": free_port()}
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
           "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": api_url, "HOST": "127.0.0.1", "PORT": str(ports["crisp"]),
           "SCHEDULER_ENABLED": "false", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO)}
    crisp_env = dict(env)
    if oauth:
        del crisp_env["SLACK_BOT_TOKEN"]
        crisp_env.update(SLACK_CLIENT_ID=OAUTH_CLIENT_ID, SLACK_CLIENT_SECRET=OAUTH_CLIENT_SECRET)
    spread = INSTALLED_WORKSPACES if oauth else 1
    processes = [
        await start("crisp", [sys.executable, "-m", "bot", "serve"], ports["crisp"], crisp_env),
        await start("bare-aiohttp", [sys.executable, "bench/bare_aiohttp.py", str(ports["bare-aiohttp"])],
                    ports["bare-aiohttp"], env),
        await start("bare-aiohttp+db", [sys.executable, "bench/bare_aiohttp_db.py", str(ports["bare-aiohttp+db"]),
                                        database_url], ports["bare-aiohttp+db"], env),
        await start("bolt-default", [sys.executable, "bench/bare_bolt.py", str(ports["bolt-default"]),
                                     SIGNING_SECRET, BOT_TOKEN, api_url], ports["bolt-default"], env),
    ]
    timings: dict[str, list[float]] = {name: [] for name in ports}
    # Crisp's other commands, against the same server: "crisp phase", "crisp phase history".
    extra = {f"crisp {text}": text for text in CRISP_CASES if text != "status"}
    timings.update({name: [] for name in extra})
    try:
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(connector=connector) as http:
            crisp_url = f"http://127.0.0.1:{ports['crisp']}/slack/events"
            for name, port in ports.items():  # warm-up: imports, caches, first auth.test
                await measure(http, f"http://127.0.0.1:{port}/slack/events", 100)
            for text in extra.values():
                await measure(http, crisp_url, 100, text)
            rounds = 10
            for _ in range(rounds):
                for name, port in ports.items():
                    timings[name] += await measure(http, f"http://127.0.0.1:{port}/slack/events",
                                                   max(1, requests // rounds),
                                                   workspaces=spread if name == "crisp" else 1)
                for name, text in extra.items():
                    timings[name] += await measure(http, crisp_url, max(1, requests // rounds), text)
        first = await _check_crisp_answer(ports["crisp"])
        other = await _check_other_workspace(ports["crisp"], INSTALLED_WORKSPACES - 1) if oauth else None
    finally:
        for process in processes:
            process.terminate()
            await process.wait()
        await standin.stop()
    figures = {name: {"p50_ms": round(statistics.median(values), 3), "p99_ms": round(percentile(values, 0.99), 3),
                      "requests": len(values)} for name, values in timings.items()}
    crisp_p50 = figures["crisp"]["p50_ms"]
    figures["ratios"] = {f"crisp_p50_over_{name}_p50": round(crisp_p50 / figures[name]["p50_ms"], 2)
                         for name in ("bare-aiohttp", "bare-aiohttp+db", "bolt-default")}
    for name in extra:
        figures["ratios"][f"{name.replace(' ', '_')}_p50_over_bare-aiohttp_p50"] = \
            round(figures[name]["p50_ms"] / figures["bare-aiohttp"]["p50_ms"], 2)
    figures["database"] = database_url.split(":", 1)[0]
    figures["installed_workspaces"] = INSTALLED_WORKSPACES if oauth else None
    figures["crisp_answer_other_workspace"] = other
    figures["crisp_answer"] = first
    return figures


async def _check_crisp_answer(port: int) -> str:
    """The figures only count if Crisp really answered each command (status card, phase card, history)."""
    firsts = []
    async with aiohttp.ClientSession() as http:
        for command, expected in CRISP_CASES.items():
            body = status_body(command)
            headers = signed_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
            async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=headers) as r:
                text = json.loads(await r.text())["text"]
            if not text.startswith(expected):
                raise SystemExit(f"crisp did not answer `{command}` as expected: {text!r}")
            firsts.append(text.splitlines()[0])
    return firsts[0]


async def _check_other_workspace(port: int, n: int) -> str:
    """In OAuth mode: workspace n's status shows its own project."""
    body = status_body("status", n)
    headers = signed_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=headers) as r:
            text = json.loads(await r.text())["text"]
    if not text.startswith(f"Bench Radar {n} is in Modeling"):
        raise SystemExit(f"crisp did not answer workspace {n}'s status with its own project: {text!r}")
    return text.splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per server")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--oauth", action="store_true",
                        help=f"Crisp in OAuth mode with {INSTALLED_WORKSPACES:,} installed workspaces")
    args = parser.parse_args()
    figures = asyncio.run(run(args.requests, args.database_url, args.oauth))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"/crisp status, sequential, {figures['crisp']['requests']} requests each, database {figures['database']}"
          + (f", OAuth mode: {figures['installed_workspaces']:,} installed workspaces, crisp's requests going round "
             "them" if figures["installed_workspaces"] else ""))
    print(f"{'server':<21}{'p50 ms':>9}{'p99 ms':>9}{'crisp p50 / this p50':>22}")
    for name in ("crisp", "bare-aiohttp", "bare-aiohttp+db", "bolt-default"):
        ratio = figures["ratios"].get(f"crisp_p50_over_{name}_p50")
        print(f"{name:<21}{figures[name]['p50_ms']:>9.3f}{figures[name]['p99_ms']:>9.3f}"
              f"{'' if ratio is None else f'{ratio:.2f}':>22}")
    for name in CRISP_CASES:
        if name == "status":
            continue
        key = f"crisp {name}"
        ratio = figures["ratios"][f"{key.replace(' ', '_')}_p50_over_bare-aiohttp_p50"]
        print(f"{key:<21}{figures[key]['p50_ms']:>9.3f}{figures[key]['p99_ms']:>9.3f}"
              f"{f'{ratio:.2f} x bare-aiohttp':>22}")
    print("targets: crisp p50 within 2x the bare aiohttp handler; below bolt-default")


if __name__ == "__main__":
    main()
