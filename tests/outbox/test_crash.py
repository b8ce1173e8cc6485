"""A worker dying mid-call, and several workers on one database, never post anything twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot.clock import FakeClock
from bot.metrics import Metrics
from bot.outbox.worker import OutboxWorker
from bot.slack_clients import SlackClients
from storage.db import Database
from storage.tables import OutboxStatus
from tests.conftest import BOT_TOKEN
from tests.outbox.test_delivery import all_rows, enqueue, posted_texts


class WorkerProcess:
    """A worker with its own engine and HTTP session, as a separate process would have."""

    def __init__(self, database_url: str, api_url: str, clock: FakeClock, *, lease_seconds: float = 60,
                 timeout: float = 15, heartbeat_seconds: float | None = None, late_apply_seconds: float = 0):
        self.db = Database(database_url)
        self.slack = SlackClients(BOT_TOKEN, api_url, outbox_timeout=timeout)
        self.worker = OutboxWorker(self.db, self.slack.for_team, clock, Metrics(), lease_seconds=lease_seconds,
                                   call_timeout=timeout, heartbeat_seconds=heartbeat_seconds,
                                   late_apply_seconds=late_apply_seconds)

    async def close(self) -> None:
        await self.slack.close()
        await self.db.dispose()


async def test_a_post_slack_accepted_before_the_worker_died_is_not_posted_again(runtime, standin, clock,
                                                                                database_url):
    await enqueue(runtime, ("C0A", "deploy approved"), ("C0A", "next one"))
    hold = standin.hold("chat.postMessage")
    doomed = WorkerProcess(database_url, standin.base_url, clock)
    dying = asyncio.create_task(doomed.worker.run_once())
    await asyncio.wait_for(hold.reached.wait(), 5)
    dying.cancel()  # Slack has the message; the worker never learns the ts
    await asyncio.gather(dying, return_exceptions=True)
    await doomed.close()
    hold.release()
    [first, second] = await all_rows(runtime)
    assert first.status == OutboxStatus.SENDING

    survivor = WorkerProcess(database_url, standin.base_url, clock)
    try:
        assert await survivor.worker.run_once() == 0  # the lease still holds
        clock.advance(61)
        await survivor.worker.drain(advance=clock.advance)
    finally:
        await survivor.close()

    assert posted_texts(standin, "C0A") == ["deploy approved", "next one"]
    assert [c.args["text"] for c in standin.calls_to("chat.postMessage")] == ["deploy approved", "next one"]
    [first, second] = await all_rows(runtime)
    assert first.status == OutboxStatus.SENT
    assert first.result_ts == standin.messages("C0A")[0]["ts"]
    assert standin.calls_to("conversations.history")


async def test_a_timeout_after_slack_accepted_is_not_posted_again(runtime, standin, clock, database_url):
    """Same window, reached through the client's timeout rather than a dead process."""
    await enqueue(runtime, ("C0A", "once"))
    hold = standin.hold("chat.postMessage")
    worker = WorkerProcess(database_url, standin.base_url, clock, timeout=0.2)
    try:
        await worker.worker.run_once()  # times out waiting for the held answer
        hold.release()
        [row] = await all_rows(runtime)
        assert (row.status, row.maybe_sent) == (OutboxStatus.PENDING, True)
        await worker.worker.drain(advance=clock.advance)
    finally:
        await worker.close()
    assert posted_texts(standin, "C0A") == ["once"]
    assert len(standin.calls_to("chat.postMessage")) == 1


async def test_workers_sharing_a_database_send_each_row_once_and_in_order(runtime, standin, clock, database_url):
    posts = [(f"C0CH{n % 4}", f"m{n}") for n in range(40)]
    await enqueue(runtime, *posts)
    workers = [WorkerProcess(database_url, standin.base_url, clock) for _ in range(3)]

    async def run(process: WorkerProcess) -> None:
        for _ in range(400):
            if not await process.worker.run_once():
                if await process.worker.seconds_until_due() is None:
                    return
                clock.advance(0.25)
                await asyncio.sleep(0)

    try:
        await asyncio.gather(*(run(w) for w in workers))
    finally:
        for w in workers:
            await w.close()

    sent = Counter(c.args["text"] for c in standin.calls_to("chat.postMessage", include_failed=True))
    assert sent == Counter(text for _, text in posts)
    for channel in ("C0CH0", "C0CH1", "C0CH2", "C0CH3"):
        assert posted_texts(standin, channel) == [text for ch, text in posts if ch == channel]
    assert {r.status for r in await all_rows(runtime)} == {OutboxStatus.SENT}


async def test_a_late_worker_cannot_settle_a_row_taken_over_by_another(runtime, standin, clock, database_url):
    await enqueue(runtime, ("C0A", "slow"))
    hold = standin.hold("chat.postMessage")
    # A lease that outlasts the calls (as settings insist), so the takeover comes after the held call
    # has timed out from the slow worker's point of view.
    slow = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=5, timeout=1)
    fast = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=5, timeout=1)
    try:
        slow_pass = asyncio.create_task(slow.worker.run_once())
        await asyncio.wait_for(hold.reached.wait(), 5)
        clock.advance(timedelta(seconds=6).total_seconds())
        await fast.worker.run_once()  # takes over, finds the post in history, marks it sent
        hold.release()
        await slow_pass  # its late "sent" changes nothing
    finally:
        await slow.close()
        await fast.close()
    [row] = await all_rows(runtime)
    assert row.status == OutboxStatus.SENT
    assert len(standin.calls_to("chat.postMessage")) == 1


async def test_a_thread_reply_accepted_before_the_worker_died_is_found_in_its_thread(runtime, standin, clock,
                                                                                    database_url):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, "T0CRISP", "C0ALERTS", {"text": "drift detected"}, key="drift:1")
        await runtime.outbox.post(session, "T0CRISP", "C0ALERTS", {"text": "resolved"}, thread_of="drift:1")
    await runtime.worker.run_once()  # the parent goes out
    hold = standin.hold("chat.postMessage")
    doomed = WorkerProcess(database_url, standin.base_url, clock)
    dying = asyncio.create_task(doomed.worker.run_once())
    await asyncio.wait_for(hold.reached.wait(), 5)
    dying.cancel()
    await asyncio.gather(dying, return_exceptions=True)
    await doomed.close()
    hold.release()

    clock.advance(61)
    await runtime.worker.drain(advance=clock.advance)

    replies = [c for c in standin.calls_to("chat.postMessage") if c.args.get("thread_ts")]
    assert [c.args["text"] for c in replies] == ["resolved"]
    assert standin.calls_to("conversations.replies")
    [_, reply] = await all_rows(runtime)
    assert reply.status == OutboxStatus.SENT and reply.result_ts == replies[0].response["ts"]
