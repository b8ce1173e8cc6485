"""`/crisp alerts`, `alerts route KEY=VALUE` and `alerts unroute KEY=VALUE` through signed commands."""

from __future__ import annotations

from storage.tables import AlertRoute, AuditEntry
from tests.alerts.test_samples import make_project
from tests.conftest import count_rows


def generic(title: str, **fields) -> dict:
    return {"title": title, "status": "firing", "project": "churn", **fields}


async def test_alerts_lists_open_groups_newest_first_with_age_and_ack_state(runtime, slack, alerts, clock, relay):
    await make_project(slack, "Churn", "C0CHURN")
    assert (await alerts.post("generic", generic("Old drift", starts_at="2026-01-05T06:00:00Z"))).status == 202
    assert (await alerts.post("generic", generic("New latency", severity="critical",
                                                 starts_at="2026-01-05T08:30:00Z"))).status == 202
    assert (await alerts.post("generic", generic("Gone", status="resolved"))).status == 202
    answer = await slack.command("alerts", channel="C0CHURN", user="U0BOB")
    assert answer.json["text"] == "2 open alert groups for Churn"
    listing = answer.json["blocks"][1]["text"]["text"]
    assert listing.index("New latency") < listing.index("Old drift")
    assert "30 min old · not acknowledged" in listing
    assert "3 h old" in listing
    assert "Gone" not in listing


async def test_alerts_when_there_are_none(slack):
    await make_project(slack, "Churn", "C0CHURN")
    answer = await slack.command("alerts", channel="C0CHURN")
    assert answer.json["text"] == "No open alerts for Churn."


async def test_routes_are_for_leads(runtime, slack):
    await make_project(slack, "Churn", "C0CHURN")
    refused = await slack.command("alerts route model=churn", channel="C0CHURN", user="U0BOB")
    assert refused.json["text"].startswith("Refused: only Crisp admins and the project's product owner")
    assert await count_rows(runtime, AlertRoute) == 0


async def test_route_input_is_checked(runtime, slack):
    await make_project(slack, "Churn", "C0CHURN")
    for text, expected in [
        ("alerts route model", "Give a label match"),
        ("alerts route =churn", "Give a label match"),
        ("alerts route 9model=churn", "is not a label name"),
        ("alerts route owner=<@U0BOB|bob>", "cannot be a mention"),
        ("alerts route model=" + "x" * 201, "keep it to 200"),
    ]:
        answer = await slack.command(text, channel="C0CHURN")
        assert expected in answer.json["text"], (text, answer.json["text"])
    assert await count_rows(runtime, AlertRoute) == 0


async def test_route_list_and_unroute(runtime, slack, standin, drain):
    await make_project(slack, "Churn", "C0CHURN")
    await make_project(slack, "Fraud", "C0FRAUD")
    added = await slack.command('alerts route model="churn &amp; co"', channel="C0CHURN")
    assert added.json["text"] == "Routed alerts labelled model=churn &amp; co here; announced in the channel."
    await slack.command("alerts route team=ml", channel="C0CHURN")
    again = await slack.command("alerts route team=ml", channel="C0CHURN")
    assert "already come to this channel" in again.json["text"]
    elsewhere = await slack.command("alerts route team=ml", channel="C0FRAUD")
    assert "already go to <#C0CHURN>" in elsewhere.json["text"]
    listing = await slack.command("alerts route", channel="C0CHURN")
    assert "`model=churn &amp; co`" in str(listing.json["blocks"]) and "`team=ml`" in str(listing.json["blocks"])
    removed = await slack.command("alerts unroute team=ml", channel="C0CHURN")
    assert removed.json["text"] == "Alerts labelled team=ml no longer come to this channel."
    assert await count_rows(runtime, AlertRoute) == 1
    moved = await slack.command("alerts route team=ml", channel="C0FRAUD")
    assert moved.json["text"].startswith("Routed alerts labelled team=ml here")
    actions = []
    async with runtime.db.read() as session:
        from sqlalchemy import select
        actions = [e.action for e in (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()]
    assert actions.count("alerts.route_added") == 3 and actions.count("alerts.route_removed") == 1
    await drain()
    announced = [c.args["text"] for c in standin.calls_to("chat.postMessage") if c.args["channel"] == "C0CHURN"]
    assert "Alerts labelled team=ml now come to this channel (Churn)." in announced
