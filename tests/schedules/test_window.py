"""CHECKIN_WINDOW_HOURS: the window's length; the one reminder goes out halfway through it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.runtime import Runtime
from tests.conftest import SIGNING_SECRET, make_settings
from tests.schedules.helpers import BOB, CHANNEL, channel_posts, dms_to, project_with_team, sweep
from tests.slack_client import SlackTestClient


@pytest.fixture
async def two_hour_bot(database_url, standin, clock):
    runtime = Runtime(make_settings(database_url, standin.base_url, checkin_window_hours=2), clock=clock)
    await runtime.start(http=True, worker=False)
    client = SlackTestClient(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET, clock)
    yield runtime, client
    await client.close()
    await runtime.stop()


async def test_a_two_hour_window_reminds_after_one_hour_and_closes_after_two(two_hour_bot, standin, clock):
    runtime, slack = two_hour_bot

    async def drain() -> None:
        await runtime.worker.drain(advance=lambda seconds: clock.advance(seconds))

    await project_with_team(slack, clock)
    started = await slack.command("checkin now", channel=CHANNEL)
    opened = clock.now()
    assert started.json["text"].startswith(":wave: Check-in started")
    await drain()
    standin.calls.clear()
    clock.set(opened + timedelta(minutes=59))
    assert "reminded=0" in await sweep(runtime, drain)
    clock.set(opened + timedelta(hours=1))
    assert "reminded=2" in await sweep(runtime, drain)
    assert len(dms_to(standin, BOB)) == 1
    clock.set(opened + timedelta(hours=1, minutes=59))
    assert "closed=0" in await sweep(runtime, drain)
    clock.set(opened + timedelta(hours=2))
    assert "closed=1" in await sweep(runtime, drain)
    [summary] = channel_posts(standin)
    assert "0 of 2 answered" in summary.args["text"]

