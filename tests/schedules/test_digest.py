"""`digest now` and the scheduled digest: each stakeholder and sponsor gets a DM with the phase, the latest
blocker and the open alert count, within Slack's limits for a project with 200 open alert groups; a
project with nothing new says so in one line."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.crisp_dm import Phase
from bot.lifecycle import service as lifecycle
from bot.permissions import Caller
from storage.tables import AlertGroup, Project
from tests.schedules.helpers import ALICE, BOB, CHANNEL, dms_to, project_with_team, sweep
from tests.schedules.test_checkin_flow import HOSTILE, form_values, open_form

SPONSOR = "U0SPONSOR"


def shown(call) -> str:
    return json.dumps(call.args, ensure_ascii=False)


def within_slack_limits(body: dict) -> None:
    assert len(body["text"]) <= 4000
    assert len(body.get("blocks", [])) <= 50
    for block in body.get("blocks", []):
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
    assert len(json.dumps(body.get("blocks", []))) < 12_000


async def project_row(runtime) -> Project:
    async with runtime.db.read() as session:
        return (await session.execute(select(Project))).scalars().one()


async def add_alert_groups(runtime, count: int) -> None:
    async with runtime.db.transaction() as session:
        project = (await session.execute(select(Project))).scalars().one()
        now = runtime.clock.now()
        for n in range(count):
            session.add(AlertGroup(team_id=project.team_id, source="generic", group_key=f"k{n:05}",
                                   project_id=project.id, channel_id=CHANNEL, status="firing", severity="critical",
                                   title=f"Drift on feature {n} " + "x" * 200, first_seen_at=now, last_seen_at=now,
                                   started_at=now - timedelta(seconds=n)))


async def answered_check_in(runtime, slack, standin, clock, drain) -> None:
    await slack.command("checkin now", channel=CHANNEL)
    await drain()
    [to_alice] = dms_to(standin, ALICE)
    form = await open_form(slack, standin, to_alice, ALICE, "t-digest")
    answer = await slack.submit(form, form_values("Features done", "Waiting on the billing export " + HOSTILE,
                                                  "off-track", "Billing access"), user=ALICE)
    assert answer.json == {}
    clock.advance(hours=4, seconds=1)
    await sweep(runtime, drain)


async def test_digest_now_sends_each_stakeholder_the_state(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    standin.add_user(SPONSOR, "sue")
    answer = await slack.command("digest now", channel=CHANNEL)
    assert "no stakeholders" in answer.json["text"]
    await slack.command(f"stakeholder add <@{ALICE}|alice>", channel=CHANNEL)
    await slack.command(f"role add <@{SPONSOR}|sue> sponsor", channel=CHANNEL)
    project = await project_row(runtime)
    admin = Caller(team_id=project.team_id, user_id="U0ADMIN", is_admin=True)
    await lifecycle.move(runtime.services, admin, project.id,
                         lifecycle.MoveRequest(Phase.DATA_UNDERSTANDING, "moving on", confirmed=True))
    await answered_check_in(runtime, slack, standin, clock, drain)
    await add_alert_groups(runtime, 200)
    standin.calls.clear()

    answer = await slack.command("digest now", user=BOB, channel=CHANNEL)
    assert answer.json["text"].startswith("Refused")
    answer = await slack.command("digest now", channel=CHANNEL)
    assert answer.json["text"].startswith(":incoming_envelope: Digest sent to 2 stakeholders")
    await drain()
    [to_alice], [to_sponsor] = dms_to(standin, ALICE), dms_to(standin, SPONSOR)
    assert dms_to(standin, BOB) == []
    for call in (to_alice, to_sponsor):
        body = call.args
        text = shown(call)
        assert body["text"].startswith("Churn Radar digest: Data understanding, day 1, iteration 1; "
                                       "200 open alert groups; latest blocker: Waiting on the billing export")
        assert "*Open alerts:* 200 groups" in text and "and 195 more" in text
        assert "Business understanding → *Data understanding*" in text
        assert ":red_circle: 1 off track" in text
        for live in ("<!here>", "<@U1>", "<!channel>"):
            assert live not in text
        within_slack_limits(body)

    # Nothing has happened since: one line says so.
    standin.calls.clear()
    clock.advance(days=1)
    await slack.command("digest now", channel=CHANNEL)
    await drain()
    [quiet] = dms_to(standin, ALICE)
    assert quiet.args["text"].startswith(":zzz: Nothing new on *Churn Radar* since")
    assert len(quiet.args["blocks"]) == 1


async def test_the_scheduled_digest_goes_out_once_per_slot(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    await slack.command(f"stakeholder add <@{ALICE}|alice>", channel=CHANNEL)
    await slack.command("digest every mon,thu at 09:30 Europe/Berlin", channel=CHANNEL)
    await drain()
    standin.calls.clear()
    clock.advance(minutes=29)  # 08:29 UTC = 09:29 Berlin
    await sweep(runtime, drain)
    assert dms_to(standin, ALICE) == []
    clock.advance(minutes=1)
    await sweep(runtime, drain)
    await sweep(runtime, drain)
    [digest] = dms_to(standin, ALICE)
    assert digest.args["text"].startswith("Churn Radar digest: Business understanding, day 1")
    clock.advance(days=1)  # Tuesday: no slot
    await sweep(runtime, drain)
    assert len(dms_to(standin, ALICE)) == 1
