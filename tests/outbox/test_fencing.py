"""Lease takeovers: a send still on its way to Slack when its lease runs out is posted exactly once."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from bot.outbox.lookup import PAGE_LIMIT
from storage.tables import OutboxStatus
from tests.outbox.test_crash import WorkerProcess
from tests.outbox.test_delivery import all_rows, enqueue, posted_texts

LEASE = 60


async def until(condition, timeout: float = 5.0) -> None:
    """Wait for something to become true (an awaited condition, not a sleep to prove an absence)."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def die_mid_post(runtime, standin, clock, database_url, text: str):
    """A worker dies while Slack holds its post before applying it; returns the hold (release = Slack
    applies the abandoned request)."""
    await enqueue(runtime, ("C0A", text))
    hold = standin.hold("chat.postMessage", before_apply=True)
    doomed = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=LEASE)
    dying = asyncio.create_task(doomed.worker.run_once())
    await asyncio.wait_for(hold.reached.wait(), 5)
    dying.cancel()
    await asyncio.gather(dying, return_exceptions=True)
    await doomed.close()
    return hold


async def test_a_live_worker_keeps_a_send_held_before_slack_applies_it(runtime, standin, clock, database_url):
    await enqueue(runtime, ("C0A", "deploy approved"))
    hold = standin.hold("chat.postMessage", before_apply=True)
    first = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=LEASE, heartbeat_seconds=0.01)
    second = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=LEASE)
    try:
        sending = asyncio.create_task(first.worker.run_once())
        await asyncio.wait_for(hold.reached.wait(), 5)
        [claimed] = await all_rows(runtime)
        assert claimed.status == OutboxStatus.SENDING and standin.messages("C0A") == []

        clock.advance(LEASE + 1)  # the lease as claimed has run out while Slack still holds the post

        async def renewed() -> bool:
            [row] = await all_rows(runtime)
            return row.lease_until > clock.now()

        await until(renewed)  # the first worker is alive: its heartbeat renewed the lease
        assert await second.worker.run_once() == 0  # so the second worker takes nothing over

        hold.release()
        assert await sending == 1
        await second.worker.drain(advance=clock.advance)
        await first.worker.drain(advance=clock.advance)
    finally:
        await first.close()
        await second.close()

    assert posted_texts(standin, "C0A") == ["deploy approved"]
    assert len(standin.calls_to("chat.postMessage", include_failed=True)) == 1
    [row] = await all_rows(runtime)
    assert (row.status, row.fence, row.lease_owner) == (OutboxStatus.SENT, claimed.fence, None)
    assert row.result_ts == standin.messages("C0A")[0]["ts"]


async def test_a_stale_worker_makes_no_call_for_a_row_taken_over(runtime, standin, clock, database_url):
    """A worker that stalls (no renewals) loses the row; the check before its next call stops it."""
    standin.add_channel("C0A", "a")
    await enqueue(runtime, ("C0A", "model promoted"))
    standin.fail("chat.postMessage", status=500)  # Slack's own JSON 500: answered, yet ambiguous
    await runtime.worker.run_once()
    [row] = await all_rows(runtime)
    assert (row.status, row.maybe_sent) == (OutboxStatus.PENDING, True)
    clock.set(row.next_attempt_at)

    # Slack reads the (still empty) history now; the answer reaches the stale worker only later.
    lookup_hold = standin.hold("conversations.history")
    stale = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=LEASE, heartbeat_seconds=3600)
    fresh = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=LEASE)
    try:
        stalled = asyncio.create_task(stale.worker.run_once())
        await asyncio.wait_for(lookup_hold.reached.wait(), 5)  # the stale worker is looking for the post
        clock.advance(LEASE + 1)
        assert await fresh.worker.run_once() == 1  # takes the row over: looks, finds nothing, posts
        [row] = await all_rows(runtime)
        assert row.status == OutboxStatus.SENT

        lookup_hold.release()  # the stale worker gets its (empty) page back and would post now...
        await stalled
    finally:
        await stale.close()
        await fresh.close()

    # ...but its fencing token is out of date, so it made no call at all.
    assert posted_texts(standin, "C0A") == ["model promoted"]
    assert len(standin.calls_to("chat.postMessage")) == 1
    assert 'crisp_outbox_sends_total{result="LeaseLost"} 1.0' in stale.worker.metrics.exposition().decode()


async def test_a_dead_workers_send_that_slack_applied_late_is_found_not_reposted(runtime, standin, clock,
                                                                               database_url):
    """The first worker is gone (task cancelled: no renewals, no answer read) while its post was still
    on its way, and Slack applies the request afterwards.

    Why exactly once: right before the post the worker checked, in the database, that it held the row
    with a lease running at least twice the client timeout longer, and marked the row maybe_sent. So
    no one can take the row over before that call has certainly ended, and whoever takes it over
    looks for the post (tagged with the row id) before posting. Slack either applied the request
    before the lease ran out, and the lookup finds it (this test), or never did, and the post is made
    once (the next test). A request Slack applies later still is waited for (OUTBOX_LATE_APPLY_SECONDS, the
    test after next); what no protocol can fence off is Slack applying it later than that."""
    hold = await die_mid_post(runtime, standin, clock, database_url, "retraining started")
    [row] = await all_rows(runtime)
    assert (row.status, row.maybe_sent) == (OutboxStatus.SENDING, True)

    applied = asyncio.Event()
    standin.listen(lambda call: applied.set() if call.method == "chat.postMessage" else None)
    hold.release()  # Slack gets round to the abandoned request
    await asyncio.wait_for(applied.wait(), 5)

    survivor = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=LEASE)
    try:
        assert await survivor.worker.run_once() == 0  # the dead worker's lease still holds
        clock.advance(LEASE + 1)
        await survivor.worker.drain(advance=clock.advance)
    finally:
        await survivor.close()

    assert posted_texts(standin, "C0A") == ["retraining started"]
    assert len(standin.calls_to("chat.postMessage", include_failed=True)) == 1
    [lookup] = standin.calls_to("conversations.history")
    assert int(lookup.args["limit"]) <= PAGE_LIMIT
    posted_ts = float(standin.messages("C0A")[0]["ts"])
    assert float(lookup.args["oldest"]) < posted_ts < float(lookup.args["latest"])
    [row] = await all_rows(runtime)
    assert row.status == OutboxStatus.SENT and row.fence == 2  # taken over once
    assert row.result_ts == standin.messages("C0A")[0]["ts"]


async def test_a_post_slack_applies_after_the_takeover_is_waited_for_not_doubled(runtime, standin, clock,
                                                                                 database_url):
    """Slack may apply a request well after the call that sent it gave up. The worker that takes the row
    over waits OUTBOX_LATE_APPLY_SECONDS past the call's end before it looks for the post."""
    hold = await die_mid_post(runtime, standin, clock, database_url, "model promoted")

    survivor = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=LEASE, late_apply_seconds=120)
    try:
        clock.advance(LEASE + 1)
        await survivor.worker.run_once()  # takes the row over, but it is too soon to look
        assert standin.calls_to("conversations.history") == []
        assert standin.calls_to("chat.postMessage", include_failed=True) == []
        [row] = await all_rows(runtime)
        assert row.status == OutboxStatus.PENDING and row.maybe_sent

        applied = asyncio.Event()
        standin.listen(lambda call: applied.set() if call.method == "chat.postMessage" else None)
        hold.release()  # Slack applies the abandoned request late
        await asyncio.wait_for(applied.wait(), 5)
        await survivor.worker.drain(advance=clock.advance)
    finally:
        await survivor.close()

    assert posted_texts(standin, "C0A") == ["model promoted"]
    assert len(standin.calls_to("chat.postMessage", include_failed=True)) == 1
    [row] = await all_rows(runtime)
    assert row.status == OutboxStatus.SENT and row.result_ts == standin.messages("C0A")[0]["ts"]


async def test_a_dead_workers_send_that_slack_never_applied_is_posted_once(runtime, standin, clock,
                                                                         database_url):
    hold = await die_mid_post(runtime, standin, clock, database_url, "retraining started")
    hold.drop()  # the request died with its connection; Slack never acted on it

    survivor = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=LEASE)
    try:
        clock.advance(LEASE + 1)
        await survivor.worker.drain(advance=clock.advance)
    finally:
        await survivor.close()

    assert posted_texts(standin, "C0A") == ["retraining started"]
    assert len(standin.calls_to("chat.postMessage")) == 1
    assert standin.calls_to("conversations.history", include_failed=True)  # it looked before posting


async def test_before_each_call_the_lease_is_renewed_if_it_would_not_cover_the_call(runtime, standin, clock,
                                                                                  database_url):
    await enqueue(runtime, ("U0ALICE", "your check-in"))
    standin.fail("chat.postMessage", status=500)
    await runtime.worker.run_once()  # ambiguous: the next attempt opens the DM and looks first
    [row] = await all_rows(runtime)
    clock.set(row.next_attempt_at)

    open_hold = standin.hold("conversations.open")
    lookup_hold = standin.hold("conversations.history", before_apply=True)
    worker = WorkerProcess(database_url, standin.base_url, clock, lease_seconds=LEASE, timeout=15,
                           heartbeat_seconds=3600)  # no heartbeat: only the check before each call renews
    try:
        sending = asyncio.create_task(worker.worker.run_once())
        await asyncio.wait_for(open_hold.reached.wait(), 5)
        [row] = await all_rows(runtime)
        assert row.lease_until == clock.now() + timedelta(seconds=LEASE)
        clock.advance(40)  # 20 s of lease left: less than the history call may take (15 s) twice over
        open_hold.release()
        await asyncio.wait_for(lookup_hold.reached.wait(), 5)
        [row] = await all_rows(runtime)
        assert row.lease_until == clock.now() + timedelta(seconds=LEASE)  # renewed before the call
        lookup_hold.release()
        assert await sending == 1
    finally:
        await worker.close()
    assert posted_texts(standin, "U0ALICE") == ["your check-in"]
