"""A check-in over signed HTTP: DMs to each role holder → button → views.open → the form stored (and
editable) → a reminder only to the silent one → the channel summary naming blockers and the non-responder.
Hostile answers are summarised without a live mention."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from storage.tables import CheckinAnswer, ScheduleRun
from tests.conftest import count_rows
from tests.schedules.helpers import ALICE, BOB, CHANNEL, channel_posts, dms_to, project_with_team, sweep

HOSTILE = "&lt;!here&gt; waiting on <@U1> and <!channel> for the *billing* export"


def button_of(call) -> dict:
    [block] = [b for b in call.args["blocks"] if b["type"] == "actions"]
    [element] = block["elements"]
    assert element["action_id"] == ActionId.CHECKIN_OPEN
    return element


def form_values(progress: str, blockers: str, confidence: str, help_needed: str = "") -> dict:
    def text(value: str) -> dict:
        return {"type": "plain_text_input", "value": value}

    return {
        BlockId.CHECKIN_PROGRESS: {InputId.CHECKIN_PROGRESS: text(progress)},
        BlockId.CHECKIN_BLOCKERS: {InputId.CHECKIN_BLOCKERS: text(blockers)},
        BlockId.CHECKIN_CONFIDENCE: {InputId.CHECKIN_CONFIDENCE: {
            "type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": confidence},
                                                         "value": confidence}}},
        BlockId.CHECKIN_HELP: {InputId.CHECKIN_HELP: text(help_needed)},
    }


async def open_form(slack, standin, dm, user: str, trigger: str) -> dict:
    standin.register_trigger(trigger, user)
    before = len(standin.calls_to("views.open"))
    answer = await slack.press(ActionId.CHECKIN_OPEN, user=user, channel=dm.response["channel"],
                               value=button_of(dm)["value"], trigger_id=trigger)
    assert answer.status == 200
    opened = standin.calls_to("views.open")
    assert len(opened) == before + 1, standin.calls
    return opened[-1].response["view"]


def all_text(message_args: dict) -> str:
    return json.dumps(message_args)


async def test_a_scheduled_check_in_end_to_end(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    await slack.command("checkin every weekdays at 09:00 UTC", channel=CHANNEL)
    await drain()
    standin.calls.clear()
    clock.advance(hours=1, seconds=5)
    await sweep(runtime, drain)
    [to_alice], [to_bob] = dms_to(standin, ALICE), dms_to(standin, BOB)
    assert to_alice.args["text"].startswith(":wave: Check-in time for *Churn Radar*")

    form = await open_form(slack, standin, to_alice, ALICE, "t-alice-1")
    assert form["callback_id"] == CallbackId.CHECKIN_ANSWER
    labels = [b["label"]["text"] for b in form["blocks"] if b["type"] == "input"]
    assert labels == ["Progress since last time", "Blockers", "Will Business understanding end on time?",
                      "Help needed from stakeholders"]
    answer = await slack.submit(form, form_values("Audited the features", "No access to billing", "at-risk"),
                                user=ALICE)
    assert answer.status == 200 and answer.json == {}, answer.json
    # Answers can be changed until the window closes: the form opens with the stored answer.
    await drain()
    form = await open_form(slack, standin, to_alice, ALICE, "t-alice-2")
    progress = next(b for b in form["blocks"] if b.get("block_id") == BlockId.CHECKIN_PROGRESS)
    assert progress["element"]["initial_value"] == "Audited the features"
    answer = await slack.submit(form, form_values("Audited the features", HOSTILE, "at-risk", "Billing access"),
                                user=ALICE)
    assert answer.status == 200 and answer.json == {}, answer.json
    async with runtime.db.read() as session:
        [stored] = (await session.execute(select(CheckinAnswer))).scalars().all()
    assert (stored.user_id, stored.blockers, stored.confidence) == (ALICE, HOSTILE, "at-risk")
    await drain()
    assert any("Thanks" in c.args["text"] for c in standin.calls_to("chat.update"))

    standin.calls.clear()
    clock.advance(hours=2)  # halfway through the 4 h window
    await sweep(runtime, drain)
    assert dms_to(standin, ALICE) == []
    [reminder] = dms_to(standin, BOB)
    assert "reminder" in reminder.args["text"]
    await sweep(runtime, drain)
    assert len(dms_to(standin, BOB)) == 1  # once

    clock.advance(hours=2)
    await sweep(runtime, drain)
    [summary] = channel_posts(standin)
    shown = all_text(summary.args)
    assert "1 of 2 answered" in summary.args["text"]
    assert "no answer from <@U0BOB>" in summary.args["text"]
    assert "billing" in shown and ":large_yellow_circle: 1 at risk" in shown
    for live in ("<!here>", "<@U1>", "<!channel>"):
        assert live not in shown
    # Closed: the form no longer opens, and a late submission is refused on the form.
    answer = await slack.submit(form, form_values("late", "", "on-track"), user=BOB)
    assert answer.json["response_action"] == "errors"
    assert "closed" in answer.json["errors"][BlockId.CHECKIN_PROGRESS]
    assert await count_rows(runtime, CheckinAnswer) == 1
    await sweep(runtime, drain)
    assert len(channel_posts(standin)) == 1


async def test_checkin_now_opens_a_window_at_once(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    answer = await slack.command("checkin now", user=BOB, channel=CHANNEL)
    assert answer.json["text"].startswith("Refused")
    answer = await slack.command("checkin now", channel=CHANNEL)
    assert answer.json["text"].startswith(":wave: Check-in started: 2 people asked by DM")
    again = await slack.command("checkin now", channel=CHANNEL)
    assert "already open" in again.json["text"]
    await drain()
    assert len(dms_to(standin, ALICE)) == 1 and len(dms_to(standin, BOB)) == 1
    [to_bob] = dms_to(standin, BOB)
    form = await open_form(slack, standin, to_bob, BOB, "t-bob")
    bad = await slack.submit(form, form_values("  ", "", "sure"), user=BOB)
    assert set(bad.json["errors"]) == {BlockId.CHECKIN_PROGRESS, BlockId.CHECKIN_CONFIDENCE}
    ok = await slack.submit(form, form_values("Shipped the pipeline", "", "on-track"), user=BOB)
    assert ok.json == {}
    clock.advance(hours=4, seconds=1)
    await sweep(runtime, drain)
    [summary] = channel_posts(standin, CHANNEL)[-1:]
    assert "1 of 2 answered" in summary.args["text"] and "<@U0ALICE>" in summary.args["text"]
    async with runtime.db.read() as session:
        [run] = (await session.execute(select(ScheduleRun))).scalars().all()
    assert run.closed_at is not None and run.schedule_id is None


async def test_someone_outside_the_team_cannot_answer(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    await slack.command("checkin now", channel=CHANNEL)
    await drain()
    [to_alice] = dms_to(standin, ALICE)
    standin.add_user("U0EVE", "eve")
    standin.register_trigger("t-eve", "U0EVE")
    standin.calls.clear()
    await slack.press(ActionId.CHECKIN_OPEN, user="U0EVE", channel=to_alice.response["channel"],
                      value=button_of(to_alice)["value"], trigger_id="t-eve")
    await drain()
    assert standin.calls_to("views.open") == []
    assert any("Only the project's team" in c.args["text"] for c in standin.calls_to("chat.postEphemeral"))
