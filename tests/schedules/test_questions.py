"""`checkin questions`: a lead renames and adds questions in a form; bad fields are named on the form and
nothing is stored; the check-in form and its summary then ask and show the project's questions."""

from __future__ import annotations

from sqlalchemy import select

from bot.views.ids import BlockId, CallbackId, InputId
from storage.tables import CheckinAnswer, CheckinQuestions
from tests.conftest import ADMIN, count_rows
from tests.schedules.helpers import ALICE, BOB, CHANNEL, channel_posts, dms_to, project_with_team, sweep
from tests.schedules.test_checkin_flow import form_values, open_form
from tests.slack_text import assert_nothing_live

LEARNED = "What did you learn from the data?"


def question_values(**texts: str) -> dict:
    return {f"{BlockId.CHECKIN_QUESTION_PREFIX}{key}": {InputId.CHECKIN_QUESTION: {"type": "plain_text_input",
                                                                                  "value": text}}
            for key, text in texts.items()}


async def open_questions(slack, standin, user: str = ADMIN) -> dict:
    trigger = f"t-q-{user}-{len(standin.calls_to('views.open'))}"
    standin.register_trigger(trigger, user)
    answer = await slack.command("checkin questions", user=user, channel=CHANNEL, trigger_id=trigger)
    assert answer.status == 200 and answer.text == "", answer.json
    return standin.calls_to("views.open")[-1].response["view"]


async def test_a_lead_changes_the_questions_and_the_check_in_asks_them(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    refused = await slack.command("checkin questions", user=BOB, channel=CHANNEL)
    assert refused.json["text"].startswith("Refused")
    view = await open_questions(slack, standin)
    assert view["callback_id"] == CallbackId.CHECKIN_QUESTIONS
    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert fields[f"{BlockId.CHECKIN_QUESTION_PREFIX}blockers"]["initial_value"] == "Blockers"
    assert "initial_value" not in fields[f"{BlockId.CHECKIN_QUESTION_PREFIX}q1"]

    base = dict(progress="Progress since last time", help="Help needed from stakeholders")
    for texts, block, fragment in (
            (dict(base, blockers=""), "blockers", "This question stays"),
            (dict(base, blockers="Blockers", q1="x" * 151), "q1", "150 characters (this one has 151)"),
            (dict(base, blockers="Blockers", q2="blockers"), "q2", "The same question twice")):
        bad = await slack.submit(view, question_values(**texts))
        assert bad.json["response_action"] == "errors"
        assert fragment in bad.json["errors"][f"{BlockId.CHECKIN_QUESTION_PREFIX}{block}"], bad.json
    forged = await slack.submit(view, question_values(**base, blockers="Risks"), user=BOB)
    assert forged.json["errors"][f"{BlockId.CHECKIN_QUESTION_PREFIX}progress"].startswith("Refused")
    assert await count_rows(runtime, CheckinQuestions) == 0

    hostile = "What slows you down? <!here>"
    done = await slack.submit(view, question_values(**base, blockers=hostile, q1=LEARNED))
    assert done.status == 200 and done.text == ""
    await drain()
    [announced] = channel_posts(standin)[-1:]
    assert "changed the check-in questions" in announced.args["text"]
    assert_nothing_live(announced.args, users={ADMIN}, channels={CHANNEL})
    again = await open_questions(slack, standin)
    fields = {b["block_id"]: b["element"] for b in again["blocks"] if b["type"] == "input"}
    assert fields[f"{BlockId.CHECKIN_QUESTION_PREFIX}q1"]["initial_value"] == LEARNED

    standin.calls.clear()
    await slack.command("checkin now", channel=CHANNEL)
    await drain()
    [to_alice] = dms_to(standin, ALICE)
    form = await open_form(slack, standin, to_alice, ALICE, "t-alice")
    labels = [b["label"]["text"] for b in form["blocks"] if b["type"] == "input"]
    assert labels == ["Progress since last time", hostile, "Will Business understanding end on time?",
                      "Help needed from stakeholders", LEARNED]
    values = form_values("Cleaned the labels", "Label noise", "on-track")
    extra_block = f"{BlockId.CHECKIN_EXTRA_PREFIX}q1"
    too_long = {**values, extra_block: {InputId.CHECKIN_EXTRA: {"type": "plain_text_input", "value": "y" * 2001}}}
    bad = await slack.submit(form, too_long, user=ALICE)
    assert set(bad.json["errors"]) == {extra_block}
    learned = {**values, extra_block: {InputId.CHECKIN_EXTRA: {"type": "plain_text_input",
                                                               "value": "Churn spikes after price changes"}}}
    assert (await slack.submit(form, learned, user=ALICE)).json == {}
    async with runtime.db.read() as session:
        [stored] = (await session.execute(select(CheckinAnswer))).scalars().all()
    assert stored.extra == {"q1": "Churn spikes after price changes"} and stored.blockers == "Label noise"
    # Reopened, the form shows the added answer too.
    form = await open_form(slack, standin, to_alice, ALICE, "t-alice-2")
    extra = next(b for b in form["blocks"] if b.get("block_id") == extra_block)
    assert extra["element"]["initial_value"] == "Churn spikes after price changes"

    clock.advance(hours=4, seconds=1)
    await sweep(runtime, drain)
    [summary] = channel_posts(standin)[-1:]
    sections = [b["text"]["text"] for b in summary.args["blocks"] if b["type"] == "section"]
    assert any(s.startswith("*What slows you down? &lt;!here&gt;*") and "Label noise" in s for s in sections)
    assert any(s.startswith(f"*{LEARNED}*") and "Churn spikes" in s for s in sections)
    assert ":large_green_circle: 1 on track" in str(summary.args["blocks"])
    assert_nothing_live(summary.args, users={ALICE, BOB}, channels={CHANNEL})
