"""Calls Slack refuses for good settle at once, and the person who caused them is told what to do."""

from __future__ import annotations

from storage.tables import OutboxStatus
from tests.outbox.test_delivery import TEAM, all_rows


def notices_to(standin, user: str) -> list[str]:
    return [m["text"] for m in standin.messages(user)]


async def test_a_project_created_in_a_private_channel_without_the_bot_tells_its_creator_once(
        runtime, slack, standin, drain):
    standin.add_channel("C0SECRET", "secret", is_private=True, bot_is_member=False)
    created = await slack.command("project create Churn Radar", user="U0ADMIN", channel="C0SECRET")
    assert created.json["text"].startswith("Created Churn Radar")
    await drain()

    [announcement, notice] = await all_rows(runtime)
    assert (announcement.status, announcement.last_error, announcement.attempts) == \
        (OutboxStatus.FAILED, "channel_not_found", 1)  # at once, no retries
    assert announcement.requested_by == "U0ADMIN"
    assert (notice.status, notice.payload["channel"], notice.requested_by) == (OutboxStatus.SENT, "U0ADMIN", None)
    [text] = notices_to(standin, "U0ADMIN")
    assert "<#C0SECRET>" in text and "/invite @Crisp" in text and "private" in text

    # Archiving it fails the same way: the same person is not told twice.
    archived = await slack.command("project archive", user="U0ADMIN", channel="C0SECRET")
    assert archived.status == 200
    await drain()
    rows = await all_rows(runtime)
    assert [r.status for r in rows] == [OutboxStatus.FAILED, OutboxStatus.SENT, OutboxStatus.FAILED]
    assert len(notices_to(standin, "U0ADMIN")) == 1


async def test_a_post_to_an_archived_channel_fails_at_once_with_one_notice(runtime, standin, drain):
    standin.archive_channel("C0OLD")
    async with runtime.db.transaction() as session:
        for text in ("weekly digest", "phase changed"):
            await runtime.outbox.post(session, TEAM, "C0OLD", {"text": text}, requested_by="U0BOB")
    await drain()
    failed = [r for r in await all_rows(runtime) if r.payload["channel"] == "C0OLD"]
    assert [(r.status, r.last_error, r.attempts) for r in failed] == [(OutboxStatus.FAILED, "is_archived", 1)] * 2
    assert standin.messages("C0OLD") == []
    [text] = notices_to(standin, "U0BOB")
    assert "<#C0OLD>" in text and "archived" in text
    assert "weekly digest" in str(standin.messages("U0BOB")[0]["blocks"])  # which message it was


async def test_not_in_channel_after_a_failed_join_says_to_invite_the_bot(runtime, standin, drain):
    standin.add_channel("C0LOCKED", "locked", bot_is_member=False)
    standin.fail("conversations.join", status=200, error="restricted_action")
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "C0LOCKED", {"text": "hello"}, requested_by="U0ALICE")
    await drain()
    [row, _] = await all_rows(runtime)
    assert row.status == OutboxStatus.FAILED and row.last_error.startswith("not_in_channel")
    [text] = notices_to(standin, "U0ALICE")
    assert "couldn't join" in text and "/invite @Crisp" in text


async def test_content_slack_refuses_is_reported_as_ours_to_fix(runtime, standin, drain):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "C0A", {"text": "x", "blocks": [{"type": "nonsense"}]},
                                  requested_by="U0ALICE")
    await drain()
    [row, _] = await all_rows(runtime)
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "invalid_blocks")
    [text] = notices_to(standin, "U0ALICE")
    assert "invalid_blocks" in text and "Crisp admin" in text


async def test_a_notice_that_fails_is_not_reported_in_turn(runtime, standin, drain):
    standin.add_channel("C0SECRET", "secret", is_private=True, bot_is_member=False)
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "C0SECRET", {"text": "x"}, requested_by="U0GHOST")
    await drain()
    rows = await all_rows(runtime)
    assert [(r.payload["channel"], r.status, r.last_error) for r in rows] == [
        ("C0SECRET", OutboxStatus.FAILED, "channel_not_found"),
        ("U0GHOST", OutboxStatus.FAILED, "channel_not_found")]  # an unknown user: no DM, and no third row


async def test_calls_nobody_asked_for_fail_quietly(runtime, standin, drain):
    standin.archive_channel("C0OLD")
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM, "C0OLD", {"text": "scheduled digest"})
    await drain()
    [row] = await all_rows(runtime)
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "is_archived")
