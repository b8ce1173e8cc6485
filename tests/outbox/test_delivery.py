"""The outbox worker against the Slack stand-in: exactly once, in order, at Slack's pace."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.outbox.worker import GIVE_UP_AFTER
from storage.tables import OutboxMessage, OutboxStatus

TEAM = "T0CRISP"


async def enqueue(runtime, *posts: tuple[str, str], **options) -> list[OutboxMessage]:
    rows = []
    async with runtime.db.transaction() as session:
        for channel, text in posts:
            rows.append(await runtime.outbox.post(session, TEAM, channel, {"text": text}, **options))
    return rows


async def all_rows(runtime) -> list[OutboxMessage]:
    async with runtime.db.session() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


def posted_texts(standin, channel: str) -> list[str]:
    return [m["text"] for m in standin.messages(channel)]


async def test_429_then_500s_still_deliver_every_message_exactly_once_in_order(runtime, standin, drain, clock):
    posts = [(f"C0CH{n % 3}", f"message {n}") for n in range(12)]
    await enqueue(runtime, *posts)
    standin.fail("chat.postMessage", status=429, retry_after=1)
    standin.fail("chat.postMessage", status=500, times=6)

    await drain()

    for channel in ("C0CH0", "C0CH1", "C0CH2"):
        assert posted_texts(standin, channel) == [text for ch, text in posts if ch == channel]
    assert Counter(c.args["text"] for c in standin.calls_to("chat.postMessage")) == Counter(t for _, t in posts)
    rows = await all_rows(runtime)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert all(r.result_ts for r in rows)
    # Nothing was sent to Slack inside the Retry-After second that followed the 429.
    attempts = standin.calls_to("chat.postMessage", include_failed=True)
    limited = next(c for c in attempts if c.status == 429)
    assert all(c.at >= limited.at + 1 for c in attempts if c is not limited and c.at > limited.at)
    # 500s are ambiguous: the worker looked for the message before posting again.
    assert standin.calls_to("conversations.history", include_failed=True)
    metrics = runtime.metrics.exposition().decode()
    assert 'crisp_slack_api_ratelimited_total{method="chat.postMessage"} 1.0' in metrics


async def test_one_channel_gets_a_short_burst_then_one_message_per_second(runtime, standin, drain):
    await enqueue(runtime, *[("C0BUSY", f"m{n}") for n in range(7)])
    await drain()
    times = [c.at for c in standin.calls_to("chat.postMessage")]
    start = times[0]
    assert [round(t - start, 1) for t in times] == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    assert posted_texts(standin, "C0BUSY") == [f"m{n}" for n in range(7)]


async def test_channels_do_not_wait_for_each_other(runtime, standin, drain):
    await enqueue(runtime, *[(f"C0CH{n}", f"m{n}") for n in range(10)])
    await drain()
    times = [c.at for c in standin.calls_to("chat.postMessage")]
    assert max(times) == min(times)


async def test_a_failing_head_holds_its_channel_back_but_not_others(runtime, standin, clock):
    await enqueue(runtime, ("C0A", "a1"), ("C0A", "a2"), ("C0B", "b1"))
    standin.fail("chat.postMessage", status=500)
    await runtime.worker.run_once()  # a1 fails (500), b1 goes out
    assert posted_texts(standin, "C0B") == ["b1"]
    await runtime.worker.run_once()
    assert posted_texts(standin, "C0A") == []  # a2 may not overtake a1
    clock.advance(5)
    await runtime.worker.run_once()
    await runtime.worker.run_once()
    assert posted_texts(standin, "C0A") == ["a1", "a2"]


async def test_an_update_uses_the_ts_of_its_post_and_only_the_newest_edit_is_sent(runtime, standin, drain):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "C0ALERTS", {"text": "firing (1)"}, key="alert-group:1")
        for n in (2, 3, 4):
            await runtime.outbox.update(session, TEAM, "alert-group:1", {"text": f"firing ({n})"})
        reply = await runtime.outbox.post(session, TEAM, "C0ALERTS", {"text": "details"},
                                          thread_of="alert-group:1")
    await drain()
    [posted, threaded] = standin.calls_to("chat.postMessage")
    updates = standin.calls_to("chat.update")
    assert [u.args["text"] for u in updates] == ["firing (4)"]
    assert updates[0].args["ts"] == posted.response["ts"]
    assert threaded.args["thread_ts"] == posted.response["ts"]
    assert [m["text"] for m in standin.messages("C0ALERTS") if "thread_ts" not in m or m["thread_ts"] == m["ts"]] \
        == ["firing (4)"]
    statuses = Counter(r.status for r in await all_rows(runtime))
    assert statuses == {OutboxStatus.SENT: 3, OutboxStatus.SUPERSEDED: 2}
    assert reply.id is not None


async def test_a_dm_by_user_id_can_be_edited_later(runtime, standin, drain):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "U0ALICE", {"text": "check-in time"}, key="check-in:alice:1")
        await runtime.outbox.update(session, TEAM, "check-in:alice:1", {"text": "check-in done"})
    await drain()
    dm_channel = standin.dm_channel_for("U0ALICE")
    assert posted_texts(standin, dm_channel) == ["check-in done"]
    [row, _] = await all_rows(runtime)
    assert row.result_channel == dm_channel


async def test_a_dedupe_key_stores_a_call_once(runtime, standin, drain):
    first = await enqueue(runtime, ("C0A", "hello"), dedupe_key="event:Ev1")
    second = await enqueue(runtime, ("C0A", "hello"), dedupe_key="event:Ev1")
    assert first[0] is not None and second == [None]
    await drain()
    assert posted_texts(standin, "C0A") == ["hello"]


async def test_joins_a_public_channel_it_is_not_in_then_posts(runtime, standin, drain):
    standin.add_channel("C0PUBLIC", "public", bot_is_member=False)
    await enqueue(runtime, ("C0PUBLIC", "hi"))
    await drain()
    assert [c.method for c in standin.calls if c.method.startswith(("chat.", "conversations."))] == [
        "chat.postMessage", "conversations.join", "chat.postMessage"]
    assert posted_texts(standin, "C0PUBLIC") == ["hi"]


async def test_a_refused_call_fails_for_good_without_retries(runtime, standin, drain):
    standin.add_channel("C0SECRET", "secret", is_private=True, bot_is_member=False)
    await enqueue(runtime, ("C0SECRET", "hi"), ("C0SECRET", "there"), ("C0OK", "fine"))
    await drain()
    rows = await all_rows(runtime)
    assert [(r.status, r.last_error) for r in rows] == [
        (OutboxStatus.FAILED, "channel_not_found"), (OutboxStatus.FAILED, "channel_not_found"),
        (OutboxStatus.SENT, None)]
    assert len(standin.calls_to("chat.postMessage", include_failed=True)) == 3


async def test_blocks_slack_rejects_fail_the_row_with_slacks_error(runtime, standin, drain):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "C0A", {"text": "x", "blocks": [{"type": "nonsense"}]})
    await drain()
    [row] = await all_rows(runtime)
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "invalid_blocks")


async def test_an_update_of_a_failed_post_fails_too(runtime, standin, drain):
    standin.add_channel("C0SECRET", "secret", is_private=True, bot_is_member=False)
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "C0SECRET", {"text": "x"}, key="secret:1")
        await runtime.outbox.update(session, TEAM, "secret:1", {"text": "y"})
    await drain()
    rows = await all_rows(runtime)
    assert [r.status for r in rows] == [OutboxStatus.FAILED, OutboxStatus.FAILED]
    assert "never posted" in rows[1].last_error
    assert standin.calls_to("chat.update", include_failed=True) == []


async def test_gives_up_after_hours_of_failures(runtime, standin, clock):
    await enqueue(runtime, ("C0A", "hello"))
    standin.fail("chat.postMessage", status=503, times=10_000)
    deadline = clock.now() + GIVE_UP_AFTER + timedelta(minutes=10)
    while clock.now() < deadline:
        await runtime.worker.run_once()
        clock.advance(60)
    [row] = await all_rows(runtime)
    assert row.status == OutboxStatus.FAILED
    assert "HTTP 503" in row.last_error
    assert row.attempts > 10


async def test_backoff_grows_between_retries(runtime, standin, clock):
    await enqueue(runtime, ("C0A", "hello"))
    standin.fail("chat.postMessage", status=500, times=4)
    for _ in range(4):
        await runtime.worker.run_once()
        [row] = await all_rows(runtime)
        clock.set(row.next_attempt_at)
    waits = []
    attempts = standin.calls_to("chat.postMessage", include_failed=True)
    for before, after in zip(attempts, attempts[1:]):
        waits.append(after.at - before.at)
    assert waits == sorted(waits) and waits[-1] > 4 * 0.8 and waits[0] < 1.3


async def test_a_restart_resumes_what_was_left(database_url, standin, clock):
    from bot.runtime import Runtime
    from tests.conftest import make_settings

    first = Runtime(make_settings(database_url, standin.base_url), clock=clock)
    await first.start(http=False, worker=False)
    await enqueue(first, *[("C0A", f"m{n}") for n in range(4)])
    await first.worker.run_once()  # one goes out, then the process stops
    await first.stop()
    assert posted_texts(standin, "C0A") == ["m0"]

    second = Runtime(make_settings(database_url, standin.base_url), clock=clock)
    await second.start(http=False, worker=False)
    try:
        await second.worker.drain(advance=lambda s: clock.advance(s))
    finally:
        await second.stop()
    assert posted_texts(standin, "C0A") == ["m0", "m1", "m2", "m3"]
