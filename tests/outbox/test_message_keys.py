"""Messages posted under a domain key stay editable after the weekly purge drops their outbox rows."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.scheduler import JOBS, run_job
from storage.queries import slack_messages
from storage.tables import OutboxMessage
from tests.outbox.test_delivery import TEAM


async def outbox_size(runtime) -> int:
    async with runtime.db.session() as session:
        return (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()


async def test_a_keyed_message_is_edited_and_replied_to_after_its_row_was_purged(runtime, standin, clock, drain):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "C0ALERTS", {"text": "drift detected"}, key="alert-group:7")
    await drain()
    [original] = standin.messages("C0ALERTS")
    async with runtime.db.session() as session:
        posted = await slack_messages.get(session, TEAM, "alert-group:7")
    assert (posted.channel, posted.ts) == ("C0ALERTS", original["ts"])

    clock.advance(days=8)
    await run_job(runtime.services, "outbox.purge", JOBS["outbox.purge"][0])
    assert await outbox_size(runtime) == 0

    async with runtime.db.transaction() as session:
        await runtime.outbox.update(session, TEAM, "alert-group:7", {"text": "drift resolved"})
        await runtime.outbox.post(session, TEAM, "C0ALERTS", {"text": "closed by U0BOB"}, thread_of="alert-group:7")
    await drain()
    [edit] = standin.calls_to("chat.update")
    assert (edit.args["channel"], edit.args["ts"]) == ("C0ALERTS", original["ts"])
    [edited, reply] = standin.messages("C0ALERTS")
    assert (edited["ts"], edited["text"], "edited" in edited) == (original["ts"], "drift resolved", True)
    assert (reply["text"], reply["thread_ts"]) == ("closed by U0BOB", original["ts"])


async def test_a_key_names_one_message_even_after_the_purge(runtime, standin, clock, drain):
    async with runtime.db.transaction() as session:
        first = await runtime.outbox.post(session, TEAM, "C0A", {"text": "kick-off"}, key="project:12:created")
        again = await runtime.outbox.post(session, TEAM, "C0A", {"text": "kick-off"}, key="project:12:created")
    assert first is not None and again is None
    await drain()
    clock.advance(days=8)
    await run_job(runtime.services, "outbox.purge", JOBS["outbox.purge"][0])
    async with runtime.db.transaction() as session:
        assert await runtime.outbox.post(session, TEAM, "C0A", {"text": "kick-off"}, key="project:12:created") \
            is None
    await drain()
    assert [m["text"] for m in standin.messages("C0A")] == ["kick-off"]


async def test_an_edit_of_a_key_nothing_was_posted_under_stores_nothing(runtime):
    async with runtime.db.transaction() as session:
        assert await runtime.outbox.update(session, TEAM, "alert-group:404", {"text": "x"}) is None
    assert await outbox_size(runtime) == 0


async def test_creating_a_project_records_its_announcement_under_a_key(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await drain()
    async with runtime.db.session() as session:
        row = (await session.execute(select(OutboxMessage))).scalars().one()
        posted = await slack_messages.get(session, TEAM, row.message_key)
    assert row.message_key.startswith("project:") and row.message_key.endswith(":created")
    assert row.requested_by == "U0ALICE"
    assert (posted.channel, posted.ts) == ("C0CHURN", standin.messages("C0CHURN")[0]["ts"])
