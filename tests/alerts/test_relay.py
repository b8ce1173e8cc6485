"""Routing and relaying: ALERT_CHANNEL, alerts kept with nowhere to go, hostile label values, mentions of the
project's ML people, block limits for big groups, alerts added to a group, and two relays at once."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import select

from bot.alerts.relay import relay_all, relay_once
from bot.slack_standin.blocks import check_message_blocks
from storage.tables import AlertGroup, RoleAssignment
from tests.alerts.test_samples import make_project, message_text
from tests.handlers.conftest import log_records  # noqa: F401  (fixture)
from tests.slack_text import parsed_fields

LIVE_MENTION = re.compile(r"<(?:!(?:channel|here|everyone)|@[UW][A-Z0-9]+|!subteam)[^<>]*>")


def generic(title: str, **fields) -> dict:
    return {"title": title, "status": "firing", **fields}


@pytest.fixture
def settings_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("settings_overrides", [{"alert_channel": "C0ALERTS"}], indirect=True)
async def test_unrouted_alerts_go_to_alert_channel(runtime, alerts, standin, relay):
    assert (await alerts.post("generic", generic("Disk full", labels={"host": "db1"}))).status == 202
    await relay()
    [post] = standin.calls_to("chat.postMessage")
    assert post.args["channel"] == "C0ALERTS"


async def test_unrouted_alerts_without_alert_channel_are_kept_and_listed(runtime, slack, alerts, standin, relay,
                                                                       log_records):
    assert (await alerts.post("generic", generic("Disk full"))).status == 202
    await relay()
    assert standin.calls_to("chat.postMessage") == []
    assert any("matches no project and ALERT_CHANNEL is not set" in r.getMessage() for r in log_records.warnings)
    listing = await slack.command("alerts", channel="C0NOPROJECT")
    assert listing.json["text"] == "1 open alert group outside projects"
    assert "Disk full" in str(listing.json["blocks"])


async def test_a_route_added_later_catches_groups_not_yet_placed(runtime, slack, alerts, standin, relay):
    assert (await alerts.post("generic", generic("Drift on churn", labels={"model": "churn"}))).status == 202
    await make_project(slack, "Churn", "C0CHURN")
    await slack.command("alerts route model=churn", channel="C0CHURN")
    resolved = generic("Drift on churn", labels={"model": "churn"}, status="resolved")
    assert (await alerts.post("generic", resolved)).status == 202
    await relay()
    [post] = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    assert post.args["channel"] == "C0CHURN"
    assert post.args["attachments"][0]["color"] == "#2EB67D"


async def test_hostile_label_values_produce_no_live_mention(runtime, slack, alerts, standin, relay):
    await make_project(slack, "Churn", "C0CHURN")
    hostile = {"project": "churn", "team": "<!channel>", "owner": "<@U0ADMIN>", "x": "&lt;!here&gt;",
               "link": "<https://evil.example|click me>", "marks": "*bold* _it_ `code`"}
    body = generic("<!channel> wake up <!here>", labels=hostile, severity="<!everyone>",
                   annotations={"summary": "<@U0ALICE> look", "description": "<!subteam^S1> hi",
                                "runbook_url": "javascript:alert(1)", "dashboard": "https://ok.example/d?a=1&b=<2>"})
    assert (await alerts.post("generic", body)).status == 202
    await relay()
    [post] = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    for text in parsed_fields(post.args):
        assert not LIVE_MENTION.search(text), text
        assert "<https://evil" not in text and "javascript:" not in text
    assert "team=<!channel>" in message_text(post)  # shown as typed, as code


async def test_drift_alerts_mention_ml_engineers_and_data_scientists(runtime, slack, alerts, standin, relay, clock):
    await make_project(slack, "Churn", "C0CHURN")
    async with runtime.db.read() as session:
        group_project = (await session.execute(select(AlertGroup.project_id))).first()
    assert group_project is None
    from storage.queries import projects
    async with runtime.db.read() as session:
        project = await projects.active_in_channel(session, "T0CRISP", "C0CHURN")
    async with runtime.db.transaction() as session:
        for user_id, role in (("U0ALICE", "ml-engineer"), ("U0BOB", "data-scientist"), ("U0CAROL", "qa")):
            session.add(RoleAssignment(team_id="T0CRISP", project_id=project.id, user_id=user_id, role=role,
                                       assigned_by="U0ADMIN", assigned_at=clock.now()))
    body = generic("Feature drift on churn", labels={"project": "churn", "type": "drift"})
    assert (await alerts.post("generic", body)).status == 202
    body = generic("Disk full", labels={"project": "churn"})
    assert (await alerts.post("generic", body)).status == 202
    await relay()
    posts = {c.args["text"].split("\n")[0]: c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args}
    drift = posts["Firing: Feature drift on churn (warning)"].args["text"]
    assert "<@U0ALICE>" in drift and "<@U0BOB>" in drift and "<@U0CAROL>" not in drift
    assert "<@U0ALICE>" not in posts["Firing: Disk full (warning)"].args["text"]


async def test_a_big_group_stays_within_block_kit_limits(runtime, slack, alerts, standin, relay):
    await make_project(slack, "Churn", "C0CHURN")
    body = {"version": "4", "groupKey": "big", "status": "firing", "commonLabels": {"project": "churn"},
            "alerts": [{"status": "firing", "fingerprint": f"f{n}",
                        "labels": {"alertname": "Big", "project": "churn", "n": str(n), "pad": "x" * 400},
                        "annotations": {"summary": "s" * 1500, "description": "d" * 2000}}
                       for n in range(60)]}
    assert (await alerts.post("alertmanager", body)).status == 202
    await relay()
    [post] = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    blocks = post.args["attachments"][0]["blocks"]
    assert check_message_blocks(blocks) == []
    assert len(blocks) <= 50
    assert sum(len(str(b)) for b in blocks) < 13000
    assert "…and 52 more alerts" in message_text(post)


async def test_alerts_added_to_a_group_edit_the_message_and_reply(runtime, slack, alerts, standin, relay):
    await make_project(slack, "Churn", "C0CHURN")

    def body(*fingerprints, status="firing"):
        return {"groupKey": "g1", "commonLabels": {"alertname": "Drift", "project": "churn"},
                "alerts": [{"status": status, "fingerprint": f, "labels": {"alertname": "Drift", "f": f},
                            "annotations": {"summary": f"drift {f}"}} for f in fingerprints]}

    assert (await alerts.post("alertmanager", body("a"))).status == 202
    await relay()
    standin.calls.clear()
    assert (await alerts.post("alertmanager", body("a", "b", "c"))).status == 202
    await relay()
    [edit] = standin.calls_to("chat.update")
    assert "drift b" in message_text(edit) and "3 of 3 alerts firing" in message_text(edit)
    [note] = standin.calls_to("chat.postMessage")
    assert note.args["text"].startswith("New (2): drift b, drift c")


async def test_two_relays_at_once_render_each_change_once(runtime, slack, alerts, standin, relay, drain):
    await make_project(slack, "Churn", "C0CHURN")
    for n in range(30):
        assert (await alerts.post("generic", generic(f"alert {n}", project="churn"))).status == 202
    done = await asyncio.gather(relay_all(runtime.services), relay_all(runtime.services), relay_once(runtime.services))
    assert sum(done) == 30
    await drain()
    # The channel's alert budget takes 5 messages of their own; the other 25 are rolled into one storm
    # summary whose thread lists each of them once (tests/alerts/test_storm.py has the rest).
    posts = [c.args["text"] for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    own = [text for text in posts if text.startswith("Firing: ")]
    assert len(own) == 5 and posts.count(":warning: 25 alert groups firing in <#C0CHURN>") == 1
    listed = re.findall(r"\*(alert \d+)\*", " ".join(str(c.args["blocks"]) for c in standin.calls_to("chat.postMessage")
                                                   if c.args.get("thread_ts") and "blocks" in c.args))
    shown = [text.removeprefix("Firing: ").removesuffix(" (warning)") for text in own] + listed
    assert sorted(shown) == sorted(f"alert {n}" for n in range(30))


async def test_a_group_firing_again_says_so_in_the_thread(runtime, slack, alerts, standin, relay):
    await make_project(slack, "Churn", "C0CHURN")
    for status in ("firing", "resolved"):
        assert (await alerts.post("generic", generic("Latency", project="churn", status=status))).status == 202
        await relay()
    standin.calls.clear()
    assert (await alerts.post("generic", generic("Latency", project="churn"))).status == 202
    await relay()
    [edit] = standin.calls_to("chat.update")
    assert edit.args["text"].startswith("Firing: Latency")
    [note] = standin.calls_to("chat.postMessage")
    assert note.args["text"] == ":warning: Firing again."


async def test_metrics_count_alerts_received_stored_relayed_and_refused(runtime, slack, alerts, relay):
    await make_project(slack, "Churn", "C0CHURN")
    assert (await alerts.post("generic", [generic("a", project="churn"), generic("b", project="churn")])).status == 202
    assert (await alerts.post("generic", {"status": "firing"})).status == 400
    await relay()
    exposition = (await slack.get("/metrics")).text
    assert 'crisp_alerts_received_total{source="generic"} 2.0' in exposition
    assert 'crisp_alerts_stored_total{source="generic"} 2.0' in exposition
    assert 'crisp_alerts_relayed_total{source="generic"} 2.0' in exposition
    assert 'crisp_alerts_failed_total{reason="invalid",source="generic"} 1.0' in exposition


async def test_a_relay_pass_that_dies_midway_leaves_every_change_for_the_next(runtime, slack, alerts, standin,
                                                                            relay, monkeypatch):
    await make_project(slack, "Churn", "C0CHURN")
    for n in range(5):
        assert (await alerts.post("generic", generic(f"alert {n}", project="churn"))).status == 202
    real_post = runtime.services.outbox.post
    calls = {"n": 0}

    async def dying_post(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("process died here")
        return await real_post(*args, **kwargs)

    monkeypatch.setattr(runtime.services.outbox, "post", dying_post)
    with pytest.raises(RuntimeError):
        await relay_once(runtime.services)
    monkeypatch.setattr(runtime.services.outbox, "post", real_post)
    await relay()
    posts = [c.args["text"] for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    assert sorted(posts) == sorted(f"Firing: alert {n} (warning)" for n in range(5))
