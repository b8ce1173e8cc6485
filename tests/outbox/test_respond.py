"""Replacing a card through an interaction's response_url: which URLs are posted to, and how the worker
sends them (the stand-in records them as calls to `response_url`)."""

from __future__ import annotations

from bot.outbox.respond import allowed
from storage.queries import outbox as outbox_rows
from storage.tables import OutboxStatus


def test_only_slacks_hooks_or_the_stand_in_are_posted_to():
    api = "http://127.0.0.1:4000/api/"
    assert allowed("https://hooks.slack.com/actions/T1/2/abc", "https://slack.com/api/")
    assert allowed("http://127.0.0.1:4000/response/C1/U1/3", api)
    assert not allowed("http://127.0.0.1:4001/response/C1/U1/3", api)
    assert not allowed("http://127.0.0.1:4000/api/chat.postMessage", api)
    assert not allowed("https://evil.example/response/C1/U1/3", api)
    assert not allowed("https://hooks.slack.com.evil.example/x", "https://slack.com/api/")
    assert not allowed("http://slack.com/response/x", "https://slack.com/api/")


async def test_a_replacement_is_sent_once_and_a_refused_one_tells_nobody(runtime, standin, drain):
    url = standin.response_url("C0CHURN", "U0ADMIN")
    async with runtime.db.transaction() as session:
        await runtime.outbox.respond(session, "T0CRISP", "C0CHURN", url, {"text": "first"})
        await runtime.outbox.respond(session, "T0CRISP", "C0CHURN", url, {"text": "newer"})
        await runtime.outbox.respond(session, "T0CRISP", "C0CHURN", standin.response_url("C0CHURN", "U0BOB"),
                                     {"text": "bad", "blocks": [{"type": "nonsense"}]}, requested_by="U0BOB")
    await drain()
    sent = standin.calls_to("response_url")
    assert [c.args["text"] for c in sent] == ["newer"]  # only the newest pending replacement of one card
    assert sent[0].args["replace_original"] is True and "response_url" not in sent[0].args
    assert [c.args["text"] for c in standin.calls_to("response_url", include_failed=True) if not c.ok] == ["bad"]
    assert standin.calls_to("chat.postMessage") == []  # no failure DM for a card that could not be redrawn
    async with runtime.db.read() as session:
        counts = await outbox_rows.count_by_status(session)
    assert counts.get(OutboxStatus.FAILED) == 1 and counts.get(OutboxStatus.SUPERSEDED) == 1
