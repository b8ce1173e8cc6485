"""Acknowledge, Resolve, Silence, Unsilence, Useful and Noise through signed interaction payloads."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.console import slack_requests
from bot.console.slack_requests import Person, Place
from bot.views.ids import ActionId
from storage.tables import AlertFeedback, AlertGroup, AuditEntry, RoleAssignment
from tests.alerts.conftest import sample
from tests.alerts.test_samples import make_project, message_text

CHANNEL = "C0FRAUD"


async def firing_group(slack, alerts, standin, relay) -> dict:
    await make_project(slack, "Fraud Scorer", CHANNEL)
    await slack.command("alerts route model=fraud-scorer", channel=CHANNEL)
    assert (await alerts.post("alertmanager", sample("alertmanager_firing"))).status == 202
    await relay()
    [post] = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    standin.calls.clear()
    return post


def value_of(post, action_id: str) -> str:
    [actions] = [b for b in post.args["attachments"][0]["blocks"] if b["type"] == "actions"]
    [element] = [e for e in actions["elements"] if e["action_id"] == action_id]
    return element.get("value") or json.dumps(element)


async def press(slack, action_id: str, value: str, *, user: str = "U0ADMIN", option: bool = False):
    action = {"action_id": action_id, "block_id": "alert_actions", "type": "overflow" if option else "button"}
    if option:
        action["selected_option"] = {"text": {"type": "plain_text", "text": "x"}, "value": value}
    else:
        action["value"] = value
    payload = slack_requests.block_action(Person(user, user.lower()), action, "t-1", place=Place(CHANNEL, "fraud"),
                                          message={"ts": "1.000001"})
    answer = await slack.post_signed(*slack_requests.interactive(payload))
    assert answer.status == 200
    return answer


async def group_row(runtime) -> AlertGroup:
    async with runtime.db.read() as session:
        return (await session.execute(select(AlertGroup))).scalars().one()


async def test_acknowledge_edits_the_message_and_says_who_in_the_thread(runtime, slack, alerts, standin, relay):
    post = await firing_group(slack, alerts, standin, relay)
    await press(slack, ActionId.ALERT_ACK, value_of(post, ActionId.ALERT_ACK))
    await relay()
    [edit] = standin.calls_to("chat.update")
    assert edit.args["ts"] == post.response["ts"]
    assert "acknowledged by <@U0ADMIN>" in message_text(edit)
    assert ActionId.ALERT_ACK not in str(edit.args["attachments"])  # the button is gone
    [note] = standin.calls_to("chat.postMessage")
    assert note.args["thread_ts"] == post.response["ts"]
    assert note.args["text"] == ":eyes: Acknowledged by <@U0ADMIN>."
    group = await group_row(runtime)
    assert group.acked_by == "U0ADMIN"
    async with runtime.db.read() as session:
        actions = [e.action for e in (await session.execute(select(AuditEntry))).scalars()]
    assert "alert.ack" in actions


async def test_resolve_by_hand_turns_the_message_green(runtime, slack, alerts, standin, relay, clock):
    post = await firing_group(slack, alerts, standin, relay)
    clock.advance(minutes=10)
    await press(slack, ActionId.ALERT_RESOLVE, value_of(post, ActionId.ALERT_RESOLVE))
    await relay()
    [edit] = standin.calls_to("chat.update")
    assert edit.args["attachments"][0]["color"] == "#2EB67D"
    assert "resolved by <@U0ADMIN>" in message_text(edit)
    group = await group_row(runtime)
    assert (group.status, group.resolved_by, group.firing_count) == ("resolved", "U0ADMIN", 0)
    # Alertmanager's own resolve afterwards shows nothing new.
    standin.calls.clear()
    assert (await alerts.post("alertmanager", sample("alertmanager_resolved"))).status == 202
    await relay()
    assert standin.calls_to("chat.postMessage") == []


async def test_silence_holds_back_changes_until_it_ends(runtime, slack, alerts, standin, relay, clock):
    post = await firing_group(slack, alerts, standin, relay)
    overflow = json.loads(value_of(post, ActionId.ALERT_SILENCE))
    one_hour = next(o["value"] for o in overflow["options"] if json.loads(o["value"])["for"] == "1h")
    await press(slack, ActionId.ALERT_SILENCE, one_hour, option=True)
    await relay()
    [edit] = standin.calls_to("chat.update")
    assert ":zzz: silenced until" in message_text(edit)
    assert edit.args["attachments"][0]["color"] == "#9E9E9E"
    standin.calls.clear()

    assert (await alerts.post("alertmanager", sample("alertmanager_resolved"))).status == 202
    await relay()
    assert standin.calls == [] or all(c.method not in ("chat.postMessage", "chat.update") for c in standin.calls)

    clock.advance(hours=1, seconds=1)
    await relay()
    [edit] = standin.calls_to("chat.update")
    assert edit.args["attachments"][0]["color"] == "#2EB67D"
    [note] = standin.calls_to("chat.postMessage")
    assert note.args["text"].startswith(":large_green_circle: Resolved after")


async def test_unsilence(runtime, slack, alerts, standin, relay):
    post = await firing_group(slack, alerts, standin, relay)
    overflow = json.loads(value_of(post, ActionId.ALERT_SILENCE))
    until_resolved = next(o["value"] for o in overflow["options"] if json.loads(o["value"])["for"] == "resolved")
    await press(slack, ActionId.ALERT_SILENCE, until_resolved, option=True)
    await relay()
    [edit] = standin.calls_to("chat.update")
    unsilence = value_of(edit, ActionId.ALERT_UNSILENCE)
    await press(slack, ActionId.ALERT_UNSILENCE, unsilence)
    await relay()
    assert standin.calls_to("chat.postMessage")[-1].args["text"] == ":bell: Unsilenced by <@U0ADMIN>."
    group = await group_row(runtime)
    assert group.silenced_until is None and not group.silenced_until_resolved


async def test_feedback_is_stored_per_rule_and_thanked_privately(runtime, slack, alerts, standin, relay):
    post = await firing_group(slack, alerts, standin, relay)
    await press(slack, ActionId.ALERT_NOISE, value_of(post, ActionId.ALERT_NOISE), user="U0BOB")
    await press(slack, ActionId.ALERT_USEFUL, value_of(post, ActionId.ALERT_USEFUL), user="U0ALICE")
    await press(slack, ActionId.ALERT_USEFUL, value_of(post, ActionId.ALERT_USEFUL), user="U0BOB")  # changes mind
    await relay()
    async with runtime.db.read() as session:
        rows = (await session.execute(select(AlertFeedback).order_by(AlertFeedback.user_id))).scalars().all()
    assert [(r.user_id, r.verdict, r.rule) for r in rows] == [("U0ALICE", "useful", "FeatureDriftDetected"),
                                                              ("U0BOB", "useful", "FeatureDriftDetected")]
    thanks = standin.calls_to("chat.postEphemeral")
    assert len(thanks) == 3 and thanks[0].args["text"].startswith("Thanks — noted")
    assert standin.calls_to("chat.update") == []


async def test_people_outside_the_team_may_not_acknowledge(runtime, slack, alerts, standin, relay, clock):
    post = await firing_group(slack, alerts, standin, relay)
    await press(slack, ActionId.ALERT_ACK, value_of(post, ActionId.ALERT_ACK), user="U0BOB")
    await relay()
    [refusal] = standin.calls_to("chat.postEphemeral")
    assert refusal.args["user"] == "U0BOB"
    assert refusal.args["text"].startswith("Refused: only Crisp admins and members of the project team")
    assert (await group_row(runtime)).acked_by is None

    group = await group_row(runtime)
    async with runtime.db.transaction() as session:
        session.add(RoleAssignment(team_id="T0CRISP", project_id=group.project_id, user_id="U0BOB", role="qa",
                                   assigned_by="U0ADMIN", assigned_at=clock.now()))
    await press(slack, ActionId.ALERT_ACK, value_of(post, ActionId.ALERT_ACK), user="U0BOB")
    assert (await group_row(runtime)).acked_by == "U0BOB"


async def test_forged_button_values_are_refused_privately(runtime, slack, alerts, standin, relay):
    await firing_group(slack, alerts, standin, relay)
    for value in ("nonsense", json.dumps({"g": "1"}), json.dumps({"g": 999}), json.dumps([1])):
        await press(slack, ActionId.ALERT_ACK, value)
    await press(slack, ActionId.ALERT_SILENCE, json.dumps({"g": 1, "for": "forever"}), option=True)
    await relay()
    assert len(standin.calls_to("chat.postEphemeral")) == 5
    assert standin.calls_to("chat.update") == []
    assert (await group_row(runtime)).acked_by is None
