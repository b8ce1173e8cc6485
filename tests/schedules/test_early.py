"""Answering early from App Home: a member sees the next check-in and an Answer early button; the answer is
kept for that slot and, when the run opens, counts as answered and the person is not DM'd."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.views.ids import ActionId, CallbackId
from storage.tables import CheckinAnswer, CheckinEarly
from tests.conftest import count_rows
from tests.schedules.helpers import ALICE, BOB, CHANNEL, channel_posts, dms_to, project_with_team, sweep
from tests.schedules.test_checkin_flow import form_values


async def home_of(slack, standin, drain, user: str) -> dict:
    await slack.event({"type": "app_home_opened", "user": user, "channel": f"D{user[1:]}", "tab": "home"})
    await drain()
    return standin.home_view(user)


def early_button(home: dict) -> dict | None:
    for block in home["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == ActionId.CHECKIN_EARLY:
            return accessory
    return None


async def press_early(slack, standin, user: str, value: str, trigger: str):
    standin.register_trigger(trigger, user)
    answer = await slack.press(ActionId.CHECKIN_EARLY, user=user, channel=standin.dm_channel_for(user), value=value,
                               trigger_id=trigger)
    assert answer.status == 200
    return answer


async def test_an_early_answer_counts_at_the_next_run(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)  # Monday 08:00 UTC
    home = await home_of(slack, standin, drain, ALICE)
    assert early_button(home) is None  # no check-in schedule yet
    await slack.command("checkin every weekdays at 09:00 UTC", channel=CHANNEL)
    home = await home_of(slack, standin, drain, ALICE)
    button = early_button(home)
    assert button is not None and "Next check-in: <!date^1767603600^" in json.dumps(home["blocks"])
    # Someone outside the team sees no button and may not use Alice's.
    standin.add_user("U0EVE", "eve")
    assert early_button(await home_of(slack, standin, drain, "U0EVE")) is None
    standin.calls.clear()
    await press_early(slack, standin, "U0EVE", button["value"], "t-eve")
    await drain()
    assert standin.calls_to("views.open") == []
    told = [c.args.get("text", "") for c in standin.calls if c.method in ("chat.postMessage", "chat.postEphemeral")]
    assert any("Only the project's team" in text for text in told), standin.calls

    await press_early(slack, standin, ALICE, button["value"], "t-alice-1")
    [opened] = standin.calls_to("views.open")
    form = opened.response["view"]
    assert form["callback_id"] == CallbackId.CHECKIN_ANSWER and "you will not be asked then" in json.dumps(form)
    bad = await slack.submit(form, form_values("", "", "maybe"), user=ALICE)
    assert bad.json["response_action"] == "errors"
    assert await count_rows(runtime, CheckinEarly) == 0
    ok = await slack.submit(form, form_values("Off Monday; features audited", "Billing access", "at-risk"),
                            user=ALICE)
    assert ok.json == {}
    # Changed before the slot: prefilled, replaced.
    await press_early(slack, standin, ALICE, button["value"], "t-alice-2")
    form = standin.calls_to("views.open")[-1].response["view"]
    assert "Off Monday; features audited" in json.dumps(form)
    await slack.submit(form, form_values("Off Monday; features audited", "Billing access", "off-track"), user=ALICE)
    assert await count_rows(runtime, CheckinEarly) == 1

    standin.calls.clear()
    clock.advance(hours=1)  # 09:00: the run opens
    await sweep(runtime, drain)
    assert dms_to(standin, ALICE) == [] and len(dms_to(standin, BOB)) == 1
    async with runtime.db.read() as session:
        [answer] = (await session.execute(select(CheckinAnswer))).scalars().all()
    assert (answer.user_id, answer.confidence, answer.blockers) == (ALICE, "off-track", "Billing access")
    # The button of the slot that has begun no longer opens a form.
    standin.calls.clear()
    await press_early(slack, standin, ALICE, button["value"], "t-alice-3")
    await drain()
    assert standin.calls_to("views.open") == []
    clock.advance(hours=2)
    await sweep(runtime, drain)
    assert dms_to(standin, ALICE) == []  # answered: no reminder
    clock.advance(hours=2)
    await sweep(runtime, drain)
    [summary] = channel_posts(standin)
    assert "1 of 2 answered" in summary.args["text"] and "Billing access" in json.dumps(summary.args)
    assert "no answer from <@U0BOB>" in summary.args["text"]
