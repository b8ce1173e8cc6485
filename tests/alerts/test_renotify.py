"""Unacknowledged critical groups: announced again in their thread after ALERT_RENOTIFY_MINUTES, then
escalated to the product owner; once each per firing cycle, whoever runs the sweep and however often."""

from __future__ import annotations

import asyncio
import copy

import pytest
from sqlalchemy import select

from bot.alerts.renotify import renotify_sweep
from bot.scheduler import JOBS
from bot.views.ids import ActionId
from storage.tables import AuditEntry
from tests.alerts.conftest import sample
from tests.alerts.test_buttons import press, value_of
from tests.alerts.test_samples import make_project

CHANNEL = "C0FRAUD"


@pytest.fixture
def settings_overrides():
    return {"alert_renotify_minutes": 30}


def critical_body(clock, *, severity: str = "critical") -> dict:
    body = copy.deepcopy(sample("alertmanager_firing"))
    body["commonLabels"]["severity"] = severity
    for alert in body["alerts"]:
        alert["labels"]["severity"] = severity
        alert["startsAt"] = clock.now().isoformat().replace("+00:00", "Z")
    return body


async def critical_group(slack, alerts, standin, relay, clock, *, severity: str = "critical") -> dict:
    await make_project(slack, "Fraud Scorer", CHANNEL)
    await slack.command("alerts route model=fraud-scorer", channel=CHANNEL)
    await slack.command("role add <@U0ALICE|alice> product-owner", channel=CHANNEL)
    await slack.command("role add <@U0BOB|bob> ml-engineer", channel=CHANNEL)
    assert (await alerts.post("alertmanager", critical_body(clock, severity=severity))).status == 202
    await relay()
    [post] = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    standin.calls.clear()
    return post


async def sweep_and_send(runtime, drain) -> str:
    summary = await renotify_sweep(runtime.services)
    await drain()
    return summary


async def test_renotified_after_the_setting_then_escalated_to_the_product_owner(
        runtime, slack, alerts, standin, relay, clock, drain):
    post = await critical_group(slack, alerts, standin, relay, clock)
    clock.advance(minutes=29)
    await sweep_and_send(runtime, drain)
    assert standin.calls_to("chat.postMessage") == []

    clock.advance(minutes=1)
    await sweep_and_send(runtime, drain)
    [again] = standin.calls_to("chat.postMessage")
    assert again.args["thread_ts"] == post.response["ts"]
    assert again.args["reply_broadcast"] is True
    assert again.args["text"].startswith(":rotating_light: Still firing after 30 min")
    assert "<@U0BOB>" in again.args["text"]  # a drift alert: the ML engineer is named again
    await sweep_and_send(runtime, drain)
    assert len(standin.calls_to("chat.postMessage")) == 1  # once per cycle
    standin.calls.clear()

    clock.advance(minutes=30)
    await sweep_and_send(runtime, drain)
    posts = standin.calls_to("chat.postMessage")
    [note] = [c for c in posts if c.args["channel"] == CHANNEL]
    assert note.args["thread_ts"] == post.response["ts"]
    assert note.args["text"].startswith(":sos: Escalated to <@U0ALICE>")
    [dm] = [c for c in posts if c.args["channel"] == "U0ALICE"]
    assert "nobody has acknowledged it" in dm.args["text"]
    standin.calls.clear()
    clock.advance(hours=3)
    await sweep_and_send(runtime, drain)
    assert standin.calls_to("chat.postMessage") == []

    async with runtime.db.read() as session:
        actions = [e.action for e in (await session.execute(select(AuditEntry))).scalars()]
    assert actions.count("alert.renotified") == 1 and actions.count("alert.escalated") == 1


async def test_acknowledged_silenced_and_warning_groups_are_left_alone(
        runtime, slack, alerts, standin, relay, clock, drain):
    post = await critical_group(slack, alerts, standin, relay, clock)
    await press(slack, ActionId.ALERT_ACK, value_of(post, ActionId.ALERT_ACK))
    await relay()
    standin.calls.clear()
    clock.advance(hours=2)
    assert (await renotify_sweep(runtime.services)).startswith("groups=0")


async def test_warnings_are_not_renotified(runtime, slack, alerts, standin, relay, clock, drain):
    await critical_group(slack, alerts, standin, relay, clock, severity="warning")
    clock.advance(hours=2)
    assert (await renotify_sweep(runtime.services)).startswith("groups=0")


async def test_silenced_group_waits(runtime, slack, alerts, standin, relay, clock, drain):
    post = await critical_group(slack, alerts, standin, relay, clock)
    overflow = value_of(post, ActionId.ALERT_SILENCE)
    import json
    four = next(o["value"] for o in json.loads(overflow)["options"] if json.loads(o["value"])["for"] == "4h")
    await press(slack, ActionId.ALERT_SILENCE, four, option=True)
    await relay()
    clock.advance(hours=1)
    assert (await renotify_sweep(runtime.services)).startswith("groups=0")
    clock.advance(hours=3, seconds=1)  # the silence ended: reminded and escalated now
    await relay()
    standin.calls.clear()
    await sweep_and_send(runtime, drain)
    texts = [c.args["text"] for c in standin.calls_to("chat.postMessage")]
    assert any(t.startswith(":rotating_light: Still firing") for t in texts)
    assert any(t.startswith(":sos: Escalated") for t in texts)


async def test_concurrent_sweeps_send_each_once(runtime, slack, alerts, standin, relay, clock, drain):
    await critical_group(slack, alerts, standin, relay, clock)
    clock.advance(hours=1)
    await asyncio.gather(*(renotify_sweep(runtime.services) for _ in range(4)))
    await drain()
    texts = [c.args["text"] for c in standin.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]
    assert sum(t.startswith(":rotating_light:") for t in texts) == 1
    assert sum(t.startswith(":sos:") for t in texts) == 1
    assert len([c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == "U0ALICE"]) == 1


async def test_a_group_firing_again_starts_a_new_cycle(runtime, slack, alerts, standin, relay, clock, drain):
    await critical_group(slack, alerts, standin, relay, clock)
    clock.advance(minutes=31)
    await sweep_and_send(runtime, drain)
    resolved = critical_body(clock)
    for alert in resolved["alerts"]:
        alert["status"] = "resolved"
        alert["endsAt"] = clock.now().isoformat().replace("+00:00", "Z")
    resolved["status"] = "resolved"
    assert (await alerts.post("alertmanager", resolved)).status == 202
    await relay()
    clock.advance(minutes=5)
    assert (await alerts.post("alertmanager", critical_body(clock))).status == 202
    await relay()
    standin.calls.clear()
    clock.advance(minutes=31)
    await sweep_and_send(runtime, drain)
    assert [c.args["text"][:22] for c in standin.calls_to("chat.postMessage")] == [":rotating_light: Still"]


def test_the_sweeps_are_scheduled():
    assert "alerts.renotify" in JOBS and "alerts.silences" in JOBS
