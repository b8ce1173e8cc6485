"""Bursts of write commands: no request waits on the pool while holding a connection, so every command
is answered inside Slack's 3 s, every change is stored and announced once, and /healthz stays quick."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.runtime import Runtime
from storage.tables import Project
from tests.conftest import SIGNING_SECRET, make_settings
from tests.slack_client import SlackTestClient

ACK_BUDGET_SECONDS = 3.0
HEALTH_BUDGET_SECONDS = 1.0


async def timed(request):
    started = time.perf_counter()
    answer = await request
    return answer, time.perf_counter() - started


async def probe_health_until(done: asyncio.Event, slack) -> list[tuple[int, float]]:
    probes = []
    while not done.is_set():
        answer, seconds = await timed(slack.get("/healthz"))
        probes.append((answer.status, seconds))
        await asyncio.sleep(0)
    return probes


async def test_fifty_concurrent_creates_are_answered_stored_and_announced_once(runtime, slack, standin, drain):
    channels = [f"C0BURST{i:03d}" for i in range(50)]
    done = asyncio.Event()
    health = asyncio.create_task(probe_health_until(done, slack))
    results = await asyncio.gather(*(
        timed(slack.command(f"project create Burst {i}", user="U0ALICE", channel=channel))
        for i, channel in enumerate(channels)))
    done.set()
    probes = await health

    for answer, seconds in results:
        assert answer.status == 200
        assert answer.json["text"].startswith("Created Burst"), answer.json["text"]
        assert seconds < ACK_BUDGET_SECONDS
    assert probes and all(status == 200 and seconds < HEALTH_BUDGET_SECONDS for status, seconds in probes)

    async with runtime.db.read() as session:
        stored = (await session.execute(select(func.count()).select_from(Project))).scalar_one()
    assert stored == 50
    await drain()
    for channel in channels:
        assert len(standin.messages(channel)) == 1, channel


@contextlib.asynccontextmanager
async def database_held(runtime, database_url: str):
    """PostgreSQL: someone holds every pooled connection (pool size 1). SQLite: another
    process holds the write lock."""
    if database_url.startswith("sqlite"):
        other = sqlite3.connect(make_url(database_url).database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    held = [await runtime.db.engine.connect()]
    try:
        yield
    finally:
        for connection in held:
            await connection.close()


async def test_a_saturated_database_answers_busy_in_time_and_health_still_answers(database_url, standin, clock):
    settings = make_settings(database_url, standin.base_url, database_pool_size=1, database_pool_timeout=0.3)
    runtime = Runtime(settings, clock=clock)
    await runtime.start(http=True, worker=False)
    slack = SlackTestClient(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET, clock)
    try:
        async with database_held(runtime, database_url):
            answer, seconds = await timed(slack.command("project create Starved", channel="C0STARVED"))
            health, health_seconds = await timed(slack.get("/healthz"))
        assert answer.status == 200
        assert "busy" in answer.json["text"] and seconds < ACK_BUDGET_SECONDS
        assert health.status == 200 and health_seconds < HEALTH_BUDGET_SECONDS

        # Nothing was half-done: once connections are free, the same command works.
        again = await slack.command("project create Starved", channel="C0STARVED")
        assert again.json["text"].startswith("Created Starved")
    finally:
        await slack.close()
        await runtime.stop()


async def test_an_event_that_meets_a_saturated_database_is_left_for_slack_to_send_again(database_url, standin,
                                                                                         clock, caplog):
    settings = make_settings(database_url, standin.base_url, database_pool_size=1, database_pool_timeout=0.3)
    runtime = Runtime(settings, clock=clock)
    await runtime.start(http=True, worker=False)
    slack = SlackTestClient(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET, clock)
    joined = {"type": "member_joined_channel", "user": "U0CRISPBOT", "channel": "C0NEW", "team": "T0CRISP"}
    try:
        async with database_held(runtime, database_url):
            answer = await slack.event(joined, event_id="Ev0BUSY")
        assert (answer.status, answer.headers.get("Retry-After")) == (503, "60")
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

        retried = await slack.event(joined, event_id="Ev0BUSY", retry_num=1)  # Slack's retry, once it is free
        assert retried.status == 200
        await runtime.worker.drain(advance=clock.advance)
        assert len(standin.messages("C0NEW")) == 1
    finally:
        await slack.close()
        await runtime.stop()
