"""Groups rolled into a storm summary: acknowledged all at once from the summary, and (critical, still
unacknowledged) reminded once in the storm's thread, then escalated once to the product owner."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.alerts.renotify import renotify_sweep
from bot.views.ids import ActionId
from storage.tables import AlertGroup, AuditEntry
from tests.alerts.test_buttons import press
from tests.alerts.test_samples import make_project

CHANNEL = "C0FRAUD"


@pytest.fixture
def settings_overrides():
    return {"alert_renotify_minutes": 30}


async def storm(slack, alerts, standin, relay, clock, count: int = 12):
    """A project with a product owner and an ML engineer, and `count` critical groups at once: the first
    few get messages, the rest are rolled into one storm summary. Returns the summary's call."""
    await make_project(slack, "Fraud Scorer", CHANNEL)
    await slack.command("alerts route model=fraud-scorer", channel=CHANNEL)
    await slack.command("role add <@U0ALICE|alice> product-owner", channel=CHANNEL)
    await slack.command("role add <@U0BOB|bob> ml-engineer", channel=CHANNEL)
    started = clock.now().isoformat().replace("+00:00", "Z")
    bodies = [{"title": f"Card fraud spike {n}", "status": "firing", "severity": "critical",
               "labels": {"model": "fraud-scorer", "n": str(n)}, "starts_at": started} for n in range(count)]
    assert (await alerts.post("generic", bodies)).status == 202
    await relay()
    [summary] = [c for c in standin.calls_to("chat.postMessage")
                 if "alert groups firing" in c.args.get("text", "")]
    return summary


def storm_button(call) -> tuple[str, str] | None:
    for block in call.args["attachments"][0]["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == ActionId.ALERT_STORM_ACK:
                return element["text"]["text"], element["value"]
    return None


async def rolled_up(runtime) -> list[AlertGroup]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(AlertGroup).where(AlertGroup.storm_id.is_not(None),
                                                                     AlertGroup.message_key.is_(None)))).scalars())


async def test_acknowledge_all_on_the_summary_is_for_the_team_and_acknowledges_once(
        runtime, slack, alerts, standin, relay, clock, drain):
    summary = await storm(slack, alerts, standin, relay, clock)
    waiting = await rolled_up(runtime)
    label, value = storm_button(summary)
    assert label == f"Acknowledge all {len(waiting)}" and len(waiting) >= 3

    await press(slack, ActionId.ALERT_STORM_ACK, value, user="U0CAROL")  # no role in the project
    await drain()
    assert all(g.acked_by is None for g in await rolled_up(runtime))
    [refusal] = [c for c in standin.calls_to("chat.postEphemeral", include_failed=True)
                 if c.args["user"] == "U0CAROL"]
    assert "project teams" in refusal.args["text"]

    await press(slack, ActionId.ALERT_STORM_ACK, value, user="U0BOB")
    await press(slack, ActionId.ALERT_STORM_ACK, value, user="U0ALICE")  # too late: nothing left
    await relay()
    await drain()
    assert {g.acked_by for g in await rolled_up(runtime)} == {"U0BOB"}
    notes = [c for c in standin.calls_to("chat.postMessage") if "acknowledged" in c.args.get("text", "")
             and c.args.get("thread_ts")]
    assert len(notes) == 1 and f"{len(waiting)} alert groups of this storm" in notes[0].args["text"]
    redrawn = [c for c in standin.calls_to("chat.update") if "alert groups firing" in c.args.get("text", "")]
    assert redrawn and storm_button(redrawn[-1]) is None
    async with runtime.db.read() as session:
        audits = (await session.execute(select(AuditEntry).where(AuditEntry.action == "alert.storm_acked"))).all()
    assert len(audits) == 1


async def test_unacknowledged_critical_storm_groups_are_reminded_then_escalated_once(
        runtime, slack, alerts, standin, relay, clock, drain):
    await storm(slack, alerts, standin, relay, clock)
    await drain()
    standin.calls.clear()
    clock.advance(minutes=31)
    await renotify_sweep(runtime.services)
    await drain()
    reminders = [c for c in standin.calls_to("chat.postMessage") if "of this storm still firing" in c.args["text"]]
    assert len(reminders) == 1 and reminders[0].args.get("thread_ts")
    clock.advance(minutes=30)
    for _ in range(3):
        await renotify_sweep(runtime.services)
    await drain()
    escalations = [c for c in standin.calls_to("chat.postMessage")
                   if c.args["text"].startswith(":sos: Escalated") and "of this storm" in c.args["text"]]
    assert len(escalations) == 1 and "<@U0ALICE>" in escalations[0].args["text"]
    dms = [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] in ("U0ALICE", "DU0ALICE")
           and "nobody acknowledged" in c.args["text"]]
    assert len(dms) == 1
    assert len([c for c in standin.calls_to("chat.postMessage") if "of this storm still firing" in c.args["text"]]) == 1
