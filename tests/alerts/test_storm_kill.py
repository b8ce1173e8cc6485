"""`python -m bot serve` mid-storm: Slack failing (500s, then a 429), a post Slack applied but never
answered, and the bot killed with SIGKILL right then. Restarted, it shows every stored alert's group in
its final state, and posts nothing twice (it looks the unanswered post up instead of posting again)."""

from __future__ import annotations

import asyncio
import os
import sys
from types import SimpleNamespace

from sqlalchemy import func, select

from storage.db import Database
from storage.tables import AlertGroup
from tests.alerts import storm
from tests.alerts.conftest import ALERT_TOKEN, AlertClient
from tests.conftest import wait_for_drained_outbox
from tests.outbox import test_process_kill as kill
from tests.outbox.test_process_kill import real_time_standin  # noqa: F401  (fixture)

CHANNELS = 2
GROUPS = 40


async def start_bot(database_url: str, api_url: str, port: int) -> asyncio.subprocess.Process:
    os.environ["ALERT_TOKEN"] = ALERT_TOKEN  # start_bot passes the environment on
    try:
        return await kill.start_bot(database_url, api_url, port)
    finally:
        os.environ.pop("ALERT_TOKEN", None)


async def settled(database_url: str, timeout: float = 90) -> None:
    """No alert change left to render, and nothing left in the outbox (polling the bot's progress)."""
    db = Database(database_url)
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            async with db.read() as session:
                dirty = (await session.execute(select(func.count()).select_from(AlertGroup)
                                               .where(AlertGroup.dirty_since.is_not(None)))).scalar_one()
            if not dirty:
                await wait_for_drained_outbox(database_url, timeout=timeout)
                async with db.read() as session:
                    dirty = (await session.execute(select(func.count()).select_from(AlertGroup)
                                                   .where(AlertGroup.dirty_since.is_not(None)))).scalar_one()
                if not dirty:
                    return
            assert asyncio.get_running_loop().time() < deadline, f"{dirty} groups still to render"
            await asyncio.sleep(0.2)  # the bot works in real time; this only polls its progress
    finally:
        await db.dispose()


async def test_killed_mid_storm_with_slack_failing_shows_everything_once(database_url, real_time_standin):
    standin = real_time_standin
    port = kill.free_port()
    bot = await start_bot(database_url, standin.base_url, port)
    slack = kill.SlackTestClient(f"http://127.0.0.1:{port}", kill.SIGNING_SECRET, kill.SystemClock())
    alerts = AlertClient(f"http://127.0.0.1:{port}")
    sends = storm.schedule(channels=CHANNELS, groups=GROUPS, alerts_per_group=4, seconds=10)
    first, second = sends[: len(sends) // 2], sends[len(sends) // 2:]
    try:
        await storm.make_channels(slack, CHANNELS)
        standin.enforce_rate_limits()
        standin.fail("*", status=500, times=6)
        standin.fail("chat.postMessage", status=429, retry_after=1)
        await storm.post_all(alerts, [send.body for send in first])
        await kill.wait_for(lambda: sum(1 for c in standin.calls_to("chat.postMessage")
                                        if "attachments" in c.args) >= 3)
        hold = standin.hold("chat.postMessage")  # Slack applies it; the answer never reaches the bot
        await asyncio.wait_for(hold.reached.wait(), 30)
        bot.kill()
        await bot.wait()
        hold.release()

        bot = await start_bot(database_url, standin.base_url, port)
        await storm.post_all(alerts, [send.body for send in second])
        await settled(database_url)
    finally:
        await slack.close()
        await alerts.close()
        if bot.returncode is None:
            bot.terminate()
            await bot.wait()

    view = SimpleNamespace(db=Database(database_url))
    try:
        assert await storm.alerts_stored(view) == GROUPS * 4
        where = await storm.assert_every_group_shown_once(view, standin)
        assert sum(where.values()) == GROUPS
    finally:
        await view.db.dispose()
    storm.assert_nothing_posted_twice(standin, [storm.channel_of(n) for n in range(CHANNELS)])
    assert len([c for c in standin.calls if c.status == 429]) <= 1  # the one injected: none drawn
    assert standin.calls_to("conversations.history")  # the unanswered post was looked up, not repeated
