"""Two workspaces on one Crisp: each sees only its own projects; each one's messages go out with its own
token; an alert sent with one workspace's alert token never reaches the other's channels."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage.tables import AlertGroup
from tests.alerts.conftest import AlertClient, sample
from tests.workspaces.conftest import CHANNEL_A, CHANNEL_B, TEAM_A, TEAM_B, TOKEN_A, TOKEN_B, posts_to

TOKEN_SHOWN = re.compile(r"`(crisp-alert-[A-Za-z0-9_\-]+)`")


async def test_project_list_in_each_workspace_shows_only_its_own(two):
    await two.a.command("project create Churn Radar", channel=CHANNEL_A)
    await two.b.command("project create Fraud Watch", channel=CHANNEL_B)
    listed_a = (await two.a.command("project list", channel=CHANNEL_A)).json
    listed_b = (await two.b.command("project list", channel="C0BOTHER")).json
    assert "Churn Radar" in str(listed_a) and "Fraud Watch" not in str(listed_a)
    assert "Fraud Watch" in str(listed_b) and "Churn Radar" not in str(listed_b)
    # The same channel id in another workspace is another channel: B's status there knows no project.
    status = (await two.b.command("status", channel=CHANNEL_A)).json
    assert "Churn Radar" not in str(status)


async def test_a_message_for_a_workspace_is_sent_with_its_token(two, standin, drain):
    await two.a.command("project create Churn Radar", channel=CHANNEL_A)
    await two.b.command("project create Fraud Watch", channel=CHANNEL_B)
    await drain()
    [to_a] = posts_to(standin, CHANNEL_A)
    [to_b] = posts_to(standin, CHANNEL_B)
    assert to_a.token == TOKEN_A and to_b.token == TOKEN_B


async def test_an_alert_with_a_workspace_token_is_routed_only_within_it(two, runtime, standin, drain):
    from bot.alerts.relay import relay_all

    await two.a.command("project create Churn Radar", channel=CHANNEL_A)
    await two.b.command("project create Fraud Watch", channel=CHANNEL_B)
    # B routes `team=ml` to its channel; A routes nothing and has no alert channel.
    assert (await two.b.command("alerts route team=ml", channel=CHANNEL_B)).status == 200
    answer = (await two.a.command("alerts token", channel=CHANNEL_A)).json
    assert answer["response_type"] == "ephemeral"
    token_a = TOKEN_SHOWN.search(str(answer["blocks"])).group(1)
    await drain()
    standin.calls.clear()

    alerts = AlertClient(f"http://127.0.0.1:{runtime.port}")
    try:
        body = sample("alertmanager_firing")
        body["commonLabels"]["team"] = "ml"
        for alert in body["alerts"]:
            alert["labels"]["team"] = "ml"
        # B's project slug and B's route both match: neither may take A's alert.
        body["commonLabels"]["project"] = "fraud-watch"
        sent = await alerts.post("alertmanager", body, token=token_a)
        assert sent.status == 202, sent.text
        refused = await alerts.post("alertmanager", body, token="crisp-alert-not-a-real-one")
        assert refused.status == 401
    finally:
        await alerts.close()
    await relay_all(runtime.services)
    await drain()
    assert posts_to(standin, CHANNEL_B) == []
    async with runtime.db.read() as session:
        [group] = (await session.execute(select(AlertGroup))).scalars().all()
    assert (group.team_id, group.project_id, group.channel_id) == (TEAM_A, None, None)
    # In A, `alerts` in a channel without a project lists it; in B it does not exist.
    assert group.title in str((await two.a.command("alerts", channel="C0ANOPROJ")).json)
    assert group.title not in str((await two.b.command("alerts", channel="C0BNOPROJ")).json)


async def test_a_workspace_alert_channel_takes_its_unmatched_alerts(two, runtime, standin, drain):
    from bot.alerts.relay import relay_all

    token_a = TOKEN_SHOWN.search(str((await two.a.command("alerts token")).json)).group(1)
    token_b = TOKEN_SHOWN.search(str((await two.b.command("alerts token")).json)).group(1)
    assert (await two.a.command("alerts channel <#C0AALERTS|alerts>")).json["text"].startswith("Alerts of this")
    alerts = AlertClient(f"http://127.0.0.1:{runtime.port}")
    try:
        assert (await alerts.post("alertmanager", sample("alertmanager_firing"), token=token_a)).status == 202
        assert (await alerts.post("alertmanager", sample("alertmanager_firing"), token=token_b)).status == 202
    finally:
        await alerts.close()
    await relay_all(runtime.services)
    await drain()
    [posted] = posts_to(standin, "C0AALERTS")
    assert posted.token == TOKEN_A
    async with runtime.db.read() as session:
        groups = (await session.execute(select(AlertGroup).order_by(AlertGroup.id))).scalars().all()
    # The same Alertmanager group sent to both workspaces is two groups, one each.
    assert [(g.team_id, g.channel_id) for g in groups] == [(TEAM_A, "C0AALERTS"), (TEAM_B, None)]


async def test_alert_tokens_are_for_admins_shown_once_and_rotated(two, runtime):
    refused = (await two.a.command("alerts token", user="U0BOB")).json
    assert refused["text"].startswith("Refused") and "crisp-alert-" not in str(refused)
    first = TOKEN_SHOWN.search(str((await two.a.command("alerts token")).json)).group(1)
    again = (await two.a.command("alerts token")).json
    assert "crisp-alert-" not in str(again) and "rotate" in again["text"]
    rotated = TOKEN_SHOWN.search(str((await two.a.command("alerts token rotate")).json)).group(1)
    assert rotated != first
    alerts = AlertClient(f"http://127.0.0.1:{runtime.port}")
    try:
        assert (await alerts.post("generic", {"title": "x", "status": "firing", "severity": "warning"},
                                  token=first)).status == 401
        assert (await alerts.post("generic", {"title": "x", "status": "firing", "severity": "warning"},
                                  token=rotated)).status == 202
    finally:
        await alerts.close()
    async with runtime.db.read() as session:
        from storage.tables import Workspace
        stored = (await session.get(Workspace, TEAM_A)).alert_token_hash
    assert stored and rotated not in stored and first not in stored  # only a hash is kept


async def test_the_global_alert_token_names_no_workspace_when_serving_several(two, runtime):
    alerts = AlertClient(f"http://127.0.0.1:{runtime.port}")
    try:
        answer = await alerts.post("generic", {"title": "x", "status": "firing", "severity": "warning"},
                                   token="anything-else")
        assert answer.status == 401
    finally:
        await alerts.close()


async def test_a_429_pauses_only_the_workspace_that_drew_it(two, runtime, standin, clock):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM_A, CHANNEL_A, {"text": "for A"})
    standin.fail("chat.postMessage", status=429, retry_after=30)
    await runtime.worker.run_once()
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, TEAM_A, "C0AOTHER", {"text": "A again"})
        await runtime.outbox.post(session, TEAM_B, CHANNEL_B, {"text": "for B"})
    clock.advance(1)
    await runtime.worker.run_once()
    assert [c.args["text"] for c in standin.calls_to("chat.postMessage")] == ["for B"]
    assert standin.calls_to("chat.postMessage")[0].token == TOKEN_B
    clock.advance(30)
    await runtime.worker.drain(advance=clock.advance)
    assert sorted(c.args["text"] for c in standin.calls_to("chat.postMessage")) == ["A again", "for A", "for B"]
