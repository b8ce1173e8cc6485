"""`python -m bot serve` killed mid-way (SIGKILL) and started again: the rest goes out, nothing twice."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from bot.clock import SystemClock
from bot.slack_standin import SlackStandIn
from storage.tables import OutboxStatus
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, wait_for_drained_outbox
from tests.slack_client import SlackTestClient

REPO = Path(__file__).resolve().parents[2]
PROJECTS = 8


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start_bot(database_url: str, api_url: str, port: int) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url, "HOST": "127.0.0.1", "PORT": str(port), "SCHEDULER_ENABLED": "false",
        # A short lease so the restarted bot takes the held row over quickly; it must still outlast a
        # send (3 calls of OUTBOX_TIMEOUT_SECONDS), as settings insist.
        "OUTBOX_LEASE_SECONDS": "1", "OUTBOX_TIMEOUT_SECONDS": "0.3", "OUTBOX_LATE_APPLY_SECONDS": "1",
        "LOG_FORMAT": "json", "CRISP_ADMINS": "U0ADMIN",
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", cwd=REPO, env=env,
                                                   stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.DEVNULL)
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return process
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    process.kill()
    raise AssertionError("the bot did not start")


async def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


@pytest.fixture
async def real_time_standin():
    stand_in = SlackStandIn()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


async def test_killed_mid_way_then_restarted_delivers_the_rest_exactly_once(database_url, real_time_standin):
    standin = real_time_standin
    port = free_port()
    bot = await start_bot(database_url, standin.base_url, port)
    client = SlackTestClient(f"http://127.0.0.1:{port}", SIGNING_SECRET, SystemClock())
    try:
        standin.fail("chat.postMessage", status=429, retry_after=1)
        standin.fail("chat.postMessage", status=500, times=2)
        for n in range(PROJECTS):
            answer = await client.command(f"project create Project {n}", channel=f"C0P{n}")
            assert answer.json["text"].startswith(f"Created Project {n}")

        await wait_for(lambda: len(standin.calls_to("chat.postMessage")) >= 2)
        hold = standin.hold("chat.postMessage")
        await asyncio.wait_for(hold.reached.wait(), 20)
        bot.kill()  # SIGKILL: Slack took the held post, the bot never heard back
        await bot.wait()
        hold.release()
        delivered_before_restart = len(standin.calls_to("chat.postMessage"))
        assert delivered_before_restart < PROJECTS

        bot = await start_bot(database_url, standin.base_url, port)
        await wait_for(lambda: len({c.args["channel"] for c in standin.calls_to("chat.postMessage")}) == PROJECTS)
        # Every row settled: nothing is left that could still be sent (again).
        assert await wait_for_drained_outbox(database_url) == {OutboxStatus.SENT: PROJECTS}
    finally:
        await client.close()
        if bot.returncode is None:
            bot.terminate()
            await bot.wait()

    # The restarted bot looked the held post up instead of posting it again.
    assert standin.calls_to("conversations.history")
    per_channel = Counter(c.args["channel"] for c in standin.calls_to("chat.postMessage"))
    assert per_channel == Counter({f"C0P{n}": 1 for n in range(PROJECTS)})
    for n in range(PROJECTS):
        assert [m["text"] for m in standin.messages(f"C0P{n}")] == [
            f"New project: Project {n} starts in Business understanding"]


async def test_the_clock_process_sends_what_was_queued_and_stops_cleanly(database_url, real_time_standin):
    """`python -m bot scheduler` (the Procfile's clock) runs an outbox worker of its own."""
    from bot.clock import SystemClock
    from bot.outbox.enqueue import Outbox
    from storage.db import Database

    standin = real_time_standin
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
           "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": standin.base_url, "LOG_FORMAT": "json"}
    clock_process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "scheduler", cwd=REPO,
                                                         env=env, stdout=asyncio.subprocess.DEVNULL,
                                                         stderr=asyncio.subprocess.PIPE)
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            for n in range(3):
                await Outbox(SystemClock()).post(session, "T0CRISP", "C0DIGEST", {"text": f"digest {n}"})
        await wait_for(lambda: len(standin.calls_to("chat.postMessage")) == 3)
    finally:
        await db.dispose()
        clock_process.terminate()
        _, stderr = await asyncio.wait_for(clock_process.communicate(), 20)
    assert [m["text"] for m in standin.messages("C0DIGEST")] == ["digest 0", "digest 1", "digest 2"]
    assert clock_process.returncode == 0
    assert b"Traceback" not in stderr
