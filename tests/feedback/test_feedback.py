"""Feedback on the model's predictions: `feedback TEXT` and the message shortcut store it with author and
time (team members only), once per message; the channel hears of it without a live mention; the digest can
read it back and count it per week."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.feedback import summary
from bot.views.ids import CallbackId
from storage.tables import Feedback
from tests.conftest import count_rows

CHANNEL = "C0CHURN"
ALICE, BOB = "U0ALICE", "U0BOB"
HOSTILE = "&lt;!here&gt; scores for <@U1> look *off* &amp; [x](http://evil)"
MONDAY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def project_with_alice(slack, clock) -> None:
    clock.set(MONDAY)
    await slack.command("project create Churn Radar", channel=CHANNEL)
    await slack.command(f"role add <@{ALICE}|alice> data-scientist", channel=CHANNEL)


async def stored(runtime) -> list[Feedback]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(Feedback).order_by(Feedback.id))).scalars())


def announced(standin) -> list:
    return [c for c in standin.calls_to("chat.postMessage")
            if c.args["channel"] == CHANNEL and "feedback on the model" in c.args["text"]]


async def test_feedback_is_stored_with_author_and_time_and_announced_without_live_mentions(runtime, slack, standin,
                                                                                         clock, drain):
    await project_with_alice(slack, clock)
    answer = await slack.command(f"feedback {HOSTILE}", user=ALICE, channel=CHANNEL)
    assert answer.json["response_type"] == "ephemeral"
    assert answer.json["text"].startswith(":speech_balloon: Thanks: your feedback")
    again = await slack.command(f"feedback {HOSTILE}", user=ALICE, channel=CHANNEL, retry_num=1)
    assert "stored once" in again.json["text"]
    await drain()
    [feedback] = await stored(runtime)
    assert (feedback.text, feedback.author, feedback.created_at, feedback.source) == (
        "<!here> scores for @U1 look *off* & [x](http://evil)", ALICE, MONDAY, "command")
    [post] = announced(standin)
    shown = json.dumps(post.args)
    assert "<!here>" not in shown and "<@U1>" not in shown and "&lt;!here&gt;" in shown
    assert f"<@{ALICE}> gave feedback" in post.args["text"]


async def test_only_team_members_give_feedback_and_it_needs_text(runtime, slack, clock):
    await project_with_alice(slack, clock)
    refused = await slack.command("feedback the scores are odd", user=BOB, channel=CHANNEL)
    assert refused.json["text"].startswith("Refused: only Crisp admins and members of the project team")
    empty = await slack.command("feedback", user=ALICE, channel=CHANNEL)
    assert "Say what the feedback" in empty.json["text"]
    nowhere = await slack.command("feedback odd", user=ALICE, channel="C0ELSEWHERE")
    assert nowhere.json["response_type"] == "ephemeral" and "project" in nowhere.json["text"].lower()
    assert await stored(runtime) == []


async def test_the_message_shortcut_stores_the_message_once(runtime, slack, standin, clock, drain):
    await project_with_alice(slack, clock)
    message = standin.post_as(BOB, CHANNEL, "The model flags <@U0BOB>'s loyal customers &amp; <!channel>\nline two")
    first = await slack.message_shortcut(CallbackId.MODEL_FEEDBACK, message, user=ALICE, channel=CHANNEL)
    retried = await slack.message_shortcut(CallbackId.MODEL_FEEDBACK, message, user=ALICE, channel=CHANNEL,
                                           retry_num=1)
    assert (first.status, retried.status) == (200, 200)
    await drain()
    [feedback] = await stored(runtime)
    assert (feedback.text, feedback.author, feedback.source, feedback.message_channel, feedback.message_ts) == (
        "The model flags <@U0BOB>'s loyal customers & <!channel>\nline two", ALICE, "shortcut", CHANNEL,
        message["ts"])
    [post] = announced(standin)
    assert "<!channel>" not in json.dumps(post.args) and "<@U0BOB>" not in json.dumps(post.args)
    [confirmed, already] = standin.ephemerals(CHANNEL, ALICE)
    assert confirmed["text"].startswith(":speech_balloon: Stored that message as feedback")
    assert "stored once" in already["text"]


async def test_the_shortcut_outside_a_project_or_by_an_outsider_stores_nothing(runtime, slack, standin, clock,
                                                                              drain):
    await project_with_alice(slack, clock)
    elsewhere = standin.post_as(ALICE, "C0RANDOM", "scores look off")
    await slack.message_shortcut(CallbackId.MODEL_FEEDBACK, elsewhere, user=ALICE, channel="C0RANDOM")
    here = standin.post_as(ALICE, CHANNEL, "scores look off")
    await slack.message_shortcut(CallbackId.MODEL_FEEDBACK, here, user=BOB, channel=CHANNEL)
    empty = standin.post_as(ALICE, CHANNEL, "   ")
    await slack.message_shortcut(CallbackId.MODEL_FEEDBACK, empty, user=ALICE, channel=CHANNEL)
    await drain()
    assert await count_rows(runtime, Feedback) == 0
    [dm] = [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == ALICE]
    assert dm.args["text"].startswith("There is no Crisp project in that channel")
    assert standin.calls_to("conversations.join") == []  # Crisp did not join the other channel to answer
    [refusal] = standin.ephemerals(CHANNEL, BOB)
    assert refusal["text"].startswith("Refused: only Crisp admins and members of the project team")
    [no_text] = standin.ephemerals(CHANNEL, ALICE)
    assert no_text["text"].startswith("That message has no text")


async def test_recent_feedback_and_weekly_counts_for_the_digest(runtime, slack, clock, standin):
    await project_with_alice(slack, clock)
    for days, words in ((0, "one"), (1, "two"), (15, "three")):
        clock.set(MONDAY + timedelta(days=days))
        await slack.command(f"feedback {words}", user=ALICE, channel=CHANNEL)
    message = standin.post_as(BOB, CHANNEL, "four")
    await slack.message_shortcut(CallbackId.MODEL_FEEDBACK, message, user=ALICE, channel=CHANNEL)
    project_id = (await stored(runtime))[0].project_id
    async with runtime.db.read() as session:
        counts = await summary.weekly_counts(session, project_id, MONDAY, MONDAY + timedelta(days=21))
        latest = await summary.recent(session, project_id, MONDAY + timedelta(days=1))
        limited = await summary.recent(session, project_id, MONDAY, limit=1)
    assert counts == [(date(2026, 1, 5), 2), (date(2026, 1, 12), 0), (date(2026, 1, 19), 2), (date(2026, 1, 26), 0)]
    assert [f.text for f in latest] == ["four", "three", "two"]  # newest first
    assert [f.text for f in limited] == ["four"]
