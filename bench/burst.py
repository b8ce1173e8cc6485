"""Bursts of concurrent write commands, with /healthz probed during each burst.

Starts `python -m bot serve` as a separate process (its outbox worker sending to a Slack stand-in in
this process) and, for each N, sends N signed `/crisp project create` at once, each in a channel of
its own, while a prober asks /healthz one request after another. Prints p50/p99/max latency and
errors for the commands and for the health probes.

    python bench/burst.py [--sizes 10,50,200] [--database-url URL]
Targets: at N = 50, p99 under 1 s and no errors; at N = 200, no request over 3 s; on SQLite and on
PostgreSQL (`--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/crisp_bench`, created if missing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.latency import BOT_TOKEN, SIGNING_SECRET, TEAM, free_port, percentile, start  # noqa: E402
from bot.console.slack_requests import signed_headers  # noqa: E402
from bot.slack_standin import SlackStandIn  # noqa: E402


async def prepare(database_url: str) -> None:
    """An existing database (created on the server if missing), migrated, without projects."""
    from sqlalchemy import delete, text
    from sqlalchemy.engine import make_url

    from storage.db import Database, create_engine
    from storage.migrate import upgrade_to_head
    from storage.tables import AuditEntry, OutboxMessage, Project

    if database_url.startswith("postgresql"):
        url = make_url(database_url)
        admin = create_engine(url.set(database="postgres").render_as_string(hide_password=False),
                              isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            exists = (await connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                               {"name": url.database})).scalar()
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{url.database}"'))
        await admin.dispose()
    db = Database(database_url)
    await upgrade_to_head(db.engine)
    async with db.transaction() as session:
        for table in (AuditEntry, OutboxMessage, Project):
            await session.execute(delete(table))
    await db.dispose()


def create_body(burst: int, index: int) -> str:
    return urlencode({"token": "x", "team_id": TEAM, "team_domain": "bench", "channel_id": f"C{burst:03d}B{index:04d}",
                      "channel_name": "bench", "user_id": "U0BENCH", "user_name": "bench", "command": "/crisp",
                      "text": f"project create Burst {burst} {index}", "api_app_id": "A0CRISP",
                      "response_url": "https://hooks.slack.invalid/x", "trigger_id": "1.2.3"})


async def one_command(http: aiohttp.ClientSession, url: str, body: str) -> tuple[float, str | None]:
    headers = signed_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
    started = time.perf_counter()
    try:
        async with http.post(url, data=body.encode(), headers=headers) as response:
            payload = await response.text()
            status = response.status
    except aiohttp.ClientError as exc:
        return time.perf_counter() - started, f"{type(exc).__name__}"
    elapsed = time.perf_counter() - started
    if status != 200:
        return elapsed, f"HTTP {status}"
    text = json.loads(payload).get("text", "")
    return elapsed, None if text.startswith("Created") else text.splitlines()[0][:80]


async def probe_health(http: aiohttp.ClientSession, url: str, done: asyncio.Event) -> list[tuple[float, str | None]]:
    probes = []
    while not done.is_set():
        started = time.perf_counter()
        try:
            async with http.get(url) as response:
                await response.read()
                error = None if response.status == 200 else f"HTTP {response.status}"
        except aiohttp.ClientError as exc:
            error = type(exc).__name__
        probes.append((time.perf_counter() - started, error))
    return probes


def summary(samples: list[tuple[float, str | None]]) -> dict:
    seconds = [s for s, _ in samples]
    errors = [e for _, e in samples if e]
    return {"count": len(samples), "p50_ms": round(statistics.median(seconds) * 1000, 1),
            "p99_ms": round(percentile(seconds, 0.99) * 1000, 1), "max_ms": round(max(seconds) * 1000, 1),
            "errors": len(errors), "first_error": errors[0] if errors else None}


async def run(sizes: list[int], database_url: str | None) -> dict:
    workdir = tempfile.mkdtemp(prefix="crisp-burst-")
    database_url = database_url or f"sqlite+aiosqlite:///{workdir}/burst.db"
    await prepare(database_url)
    standin = SlackStandIn()
    api_url = await standin.start()
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
           "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": api_url, "HOST": "127.0.0.1", "PORT": str(port),
           "SCHEDULER_ENABLED": "false", "LOG_LEVEL": "ERROR", "PYTHONPATH": str(REPO)}
    process = await start("crisp", [sys.executable, "-m", "bot", "serve"], port, env)
    base = f"http://127.0.0.1:{port}"
    results: dict = {"database": database_url.split(":", 1)[0]}
    try:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http, aiohttp.ClientSession() as health_http:
            for burst, size in enumerate(sizes, start=1):
                done = asyncio.Event()
                prober = asyncio.create_task(probe_health(health_http, base + "/healthz", done))
                commands = await asyncio.gather(*(one_command(http, base + "/slack/events", create_body(burst, i))
                                                  for i in range(size)))
                done.set()
                results[f"n={size}"] = {"commands": summary(commands), "healthz": summary(await prober)}
                await asyncio.sleep(1)  # let the outbox catch up before the next burst
    finally:
        process.terminate()
        await process.wait()
        await standin.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,50,200", help="burst sizes, comma-separated")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = asyncio.run(run([int(n) for n in args.sizes.split(",")], args.database_url))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"concurrent `/crisp project create` bursts, database {figures['database']}")
    print(f"{'burst':<8}{'what':<10}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for key, parts in figures.items():
        if key == "database":
            continue
        for what, row in parts.items():
            print(f"{key:<8}{what:<10}{row['count']:>7}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}"
                  f"{row['errors']:>8}" + (f"  first: {row['first_error']}" if row["first_error"] else ""))
    print("targets: n=50 commands p99 < 1000 ms with 0 errors; n=200 commands max < 3000 ms")


if __name__ == "__main__":
    main()
