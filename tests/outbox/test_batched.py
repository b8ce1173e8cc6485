"""`Outbox.batched`: posts held in a block are stored together, in call order, once per key; a call of
another kind inside stores them first, so rows keep the order of the calls."""

from __future__ import annotations

from tests.outbox.test_delivery import TEAM, all_rows


def message(text: str) -> dict:
    return {"text": text}


async def test_posts_in_a_batch_are_stored_once_in_order_and_delivered(runtime, standin, drain):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "U0ALICE", message("already out"), key="k:0")
    await drain()
    async with runtime.db.transaction() as session, runtime.outbox.batched(session):
        for n in range(3):
            assert await runtime.outbox.post(session, TEAM, "U0ALICE", message(f"batched {n}"), key=f"k:{n}")
        await runtime.outbox.post(session, TEAM, "U0ALICE", message("batched 1 again"), key="k:1")
        await runtime.outbox.post(session, TEAM, "U0BOB", message("no key"))
        await runtime.outbox.ephemeral(session, TEAM, "C0PROJ", "U0BOB", message("between"))
        await runtime.outbox.post(session, TEAM, "U0BOB", message("after"))
    rows = await all_rows(runtime)
    assert [r.payload["text"] for r in sorted(rows, key=lambda r: r.id)] == [
        "already out", "batched 1", "batched 2", "no key", "between", "after"]  # k:0 was posted; k:1 once
    await drain()
    assert [m["text"] for m in standin.messages("U0ALICE")] == ["already out", "batched 1", "batched 2"]
    assert [m["text"] for m in standin.messages("U0BOB")] == ["no key", "after"]


async def test_a_batch_rolled_back_stores_nothing(runtime):
    try:
        async with runtime.db.transaction() as session, runtime.outbox.batched(session):
            await runtime.outbox.post(session, TEAM, "U0ALICE", message("lost"), key="k:lost")
            raise RuntimeError("the run failed")
    except RuntimeError:
        pass
    assert await all_rows(runtime) == []
