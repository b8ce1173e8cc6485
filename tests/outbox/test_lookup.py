"""The "already posted?" lookup: one bounded page per attempt, and it fails closed."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox.lookup import PAGE_LIMIT
from storage.queries import outbox as outbox_rows
from storage.tables import OutboxStatus
from tests.conftest import BOT_TOKEN
from tests.outbox.test_crash import WorkerProcess
from tests.outbox.test_delivery import TEAM, all_rows, enqueue, posted_texts


async def post_with_lost_answer(runtime, standin, clock, database_url, channel: str, text: str):
    """Slack applies the post, but the worker's call times out before the answer arrives."""
    await enqueue(runtime, (channel, text))
    hold = standin.hold("chat.postMessage")
    # Its retry falls when the bot's own worker (whose calls may take longer) counts the lost post as
    # settled, so the lookups below are made at once.
    settled = runtime.settings.outbox_timeout_seconds + runtime.settings.outbox_late_apply_seconds
    worker = WorkerProcess(database_url, standin.base_url, clock, timeout=0.2, late_apply_seconds=settled)
    try:
        await worker.worker.run_once()
    finally:
        hold.release()
        await worker.close()
    row = (await all_rows(runtime))[-1]
    assert (row.status, row.maybe_sent) == (OutboxStatus.PENDING, True)
    assert posted_texts(standin, channel)[-1] == text
    return row


async def row_by_id(runtime, row_id: int):
    return next(r for r in await all_rows(runtime) if r.id == row_id)


async def test_a_failing_lookup_leaves_the_row_pending_and_never_posts_twice(runtime, standin, clock,
                                                                            database_url):
    row = await post_with_lost_answer(runtime, standin, clock, database_url, "C0A", "deploy approved")
    for fault in ({"status": 500}, {"status": 503}, {"status": 200, "error": "missing_scope"}):
        clock.set(row.next_attempt_at)
        standin.fail("conversations.history", **fault)
        assert await runtime.worker.run_once() == 1
        row = await row_by_id(runtime, row.id)
        assert (row.status, row.maybe_sent) == (OutboxStatus.PENDING, True), fault
        assert "conversations.history" in row.last_error
        assert len(standin.calls_to("chat.postMessage", include_failed=True)) == 1  # only the first attempt

    clock.set(row.next_attempt_at)
    await runtime.worker.drain(advance=clock.advance)  # Slack answers again: the post is found
    assert posted_texts(standin, "C0A") == ["deploy approved"]
    assert len(standin.calls_to("chat.postMessage", include_failed=True)) == 1
    row = await row_by_id(runtime, row.id)
    assert row.status == OutboxStatus.SENT and row.result_ts == standin.messages("C0A")[0]["ts"]
    for lookup in standin.calls_to("conversations.history", include_failed=True):
        assert int(lookup.args["limit"]) <= PAGE_LIMIT and "oldest" in lookup.args and "latest" in lookup.args


async def test_a_429_on_history_pauses_lookups_but_not_posts(runtime, standin, clock, database_url):
    first = await post_with_lost_answer(runtime, standin, clock, database_url, "C0A", "first")
    clock.set(first.next_attempt_at)
    standin.fail("conversations.history", status=429, retry_after=300)
    assert await runtime.worker.run_once() == 1
    limited_at = clock.now()
    first = await row_by_id(runtime, first.id)
    assert first.status == OutboxStatus.PENDING and first.next_attempt_at == limited_at + timedelta(seconds=300)

    # A post in another channel goes out at once: the 429 paused conversations.history only.
    await enqueue(runtime, ("C0B", "unrelated"))
    assert await runtime.worker.run_once() == 1
    [unrelated] = [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == "C0B"]
    assert unrelated.at == limited_at.timestamp()
    async with runtime.db.session() as session:
        paused = await outbox_rows.throttles(session, [outbox_rows.method_key(TEAM, "conversations.history"),
                                                       outbox_rows.method_key(TEAM, "chat.postMessage")])
    assert list(paused) == [outbox_rows.method_key(TEAM, "conversations.history")]

    # Another row that must look first waits out the pause without asking Slack.
    second = await post_with_lost_answer(runtime, standin, clock, database_url, "C0C", "second")
    clock.set(second.next_attempt_at)
    lookups = len(standin.calls_to("conversations.history", include_failed=True))
    assert await runtime.worker.run_once() == 1
    assert len(standin.calls_to("conversations.history", include_failed=True)) == lookups
    second = await row_by_id(runtime, second.id)
    assert second.status == OutboxStatus.PENDING and second.next_attempt_at == limited_at + timedelta(seconds=300)

    await runtime.worker.drain(advance=clock.advance)
    for channel, text in (("C0A", "first"), ("C0B", "unrelated"), ("C0C", "second")):
        assert posted_texts(standin, channel) == [text]
    assert all(c.at >= limited_at.timestamp() + 300 for c in standin.calls_to("conversations.history"))


async def test_a_full_page_without_the_post_goes_on_next_attempt_from_where_it_stopped(runtime, standin, clock,
                                                                                      database_url):
    standin.add_channel("C0BUSY", "busy")
    row = await post_with_lost_answer(runtime, standin, clock, database_url, "C0BUSY", "needle")
    chatter = AsyncWebClient(token=BOT_TOKEN, base_url=standin.base_url, retry_handlers=[])
    for n in range(PAGE_LIMIT + 5):  # people talk right after it, inside the lookup's window
        await chatter.chat_postMessage(channel="C0BUSY", text=f"chatter {n}")

    clock.set(row.next_attempt_at)
    assert await runtime.worker.run_once() == 1
    row = await row_by_id(runtime, row.id)
    [page] = standin.calls_to("conversations.history")
    seen = [m["ts"] for m in page.response["messages"]]
    assert len(seen) == PAGE_LIMIT and page.response["has_more"] is True
    assert (row.status, row.maybe_sent, row.lookup_mark) == (OutboxStatus.PENDING, True, min(seen, key=float))
    assert len(standin.calls_to("chat.postMessage")) == PAGE_LIMIT + 6  # nothing posted while unsure

    await runtime.worker.drain(advance=clock.advance)
    [_, rest] = standin.calls_to("conversations.history")
    assert rest.args["latest"] == row.lookup_mark and rest.at >= page.at + 60
    assert [m["text"] for m in standin.messages("C0BUSY")].count("needle") == 1
    row = await row_by_id(runtime, row.id)
    assert row.status == OutboxStatus.SENT and row.result_ts == standin.messages("C0BUSY")[0]["ts"]
