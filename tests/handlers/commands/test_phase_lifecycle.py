"""A project's whole lifecycle over signed HTTP: forward to evaluation, back to data preparation with a
reason (given in the form the prompt opens), forward again to deployment."""

from __future__ import annotations

from bot.crisp_dm import Phase
from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from storage.queries import audit
from tests.lifecycle.helpers import button, create, give_roles, history, project_in, tick_everything

ALICE = "U0ALICE"  # product owner, not an admin


async def test_a_scripted_lifecycle_with_one_iteration_back(runtime, slack, standin, clock, drain):
    await create(slack)
    project = await project_in(runtime)
    await give_roles(runtime, clock, project.id, (ALICE, "product-owner"), ("U0BOB", "data-scientist"),
                     ("U0BOB", "data-engineer"), ("U0ADMIN", "sponsor"))
    await tick_everything(runtime, clock, project.id, iterations=(1,))

    # Forward to evaluation: four moves.
    for expected in (Phase.DATA_UNDERSTANDING, Phase.DATA_PREPARATION, Phase.MODELING, Phase.EVALUATION):
        clock.advance(days=2, hours=1)
        answer = await slack.command(f"phase next done with {expected.value}", user=ALICE)
        assert answer.json["text"] == f"Moved Churn Radar to {expected.title}.", answer.json

    # Back to data preparation without a reason: a prompt with a button that opens the reason form.
    clock.advance(days=1)
    prompt = await slack.command("phase set Data Preparation", user=ALICE)
    assert prompt.json["text"].startswith("Moving Churn Radar back to Data preparation needs a reason")
    assert [t.to_phase for t in await history(runtime, project.id)][-1] == "evaluation"  # nothing moved yet
    standin.register_trigger("t-reason", ALICE)
    open_form = button(prompt.json["blocks"], ActionId.PHASE_OPEN_REASON)
    response_url = standin.response_url("C0CHURN", ALICE)
    await slack.press(ActionId.PHASE_OPEN_REASON, user=ALICE, value=open_form["value"], trigger_id="t-reason",
                      response_url=response_url)
    [opened] = standin.calls_to("views.open")
    form = opened.response["view"]
    assert form["callback_id"] == CallbackId.PHASE_REASON
    empty = await slack.submit(form, {BlockId.PHASE_REASON: {InputId.PHASE_REASON: {"value": "  "}}}, user=ALICE)
    assert empty.json["response_action"] == "errors"
    reason = {BlockId.PHASE_REASON: {InputId.PHASE_REASON: {"value": "The model overfits: features need rework"}}}
    submitted = await slack.submit(form, reason, user=ALICE)
    assert submitted.status == 200 and submitted.text == ""
    # Slack delivering the same submission again makes no second move.
    await slack.submit(form, reason, user=ALICE)

    # Forward again to deployment, through the confirmation for the open checklist once.
    clock.advance(days=3)
    confirm = await slack.command("phase next", user=ALICE)
    assert "exit items of Data preparation are still open" in confirm.json["text"]
    anyway = button(confirm.json["blocks"], ActionId.PHASE_MOVE_ANYWAY)
    await slack.press(ActionId.PHASE_MOVE_ANYWAY, user=ALICE, value=anyway["value"],
                      response_url=standin.response_url("C0CHURN", ALICE))
    await tick_everything(runtime, clock, project.id, iterations=(2,), phases=(Phase.MODELING, Phase.EVALUATION))
    for expected in (Phase.EVALUATION, Phase.DEPLOYMENT):
        clock.advance(days=1, hours=12)
        answer = await slack.command("phase next", user=ALICE)
        assert answer.json["text"] == f"Moved Churn Radar to {expected.title}."

    moves = await history(runtime, project.id)
    assert [(t.from_phase, t.to_phase, t.backward, t.iteration) for t in moves] == [
        (None, "business-understanding", False, 1),
        ("business-understanding", "data-understanding", False, 1),
        ("data-understanding", "data-preparation", False, 1),
        ("data-preparation", "modeling", False, 1),
        ("modeling", "evaluation", False, 1),
        ("evaluation", "data-preparation", True, 2),
        ("data-preparation", "modeling", False, 2),
        ("modeling", "evaluation", False, 2),
        ("evaluation", "deployment", False, 2),
    ]
    assert moves[5].note == "The model overfits: features need rework"
    assert moves[6].open_items == 5 and moves[5].open_items == 0
    assert {t.actor_id for t in moves[1:]} == {ALICE}

    shown = await slack.command("phase history", user="U0BOB")
    text = str(shown.json["blocks"])
    assert shown.json["text"].startswith("Churn Radar phase history: 8 moves, now in Deployment (iteration 2)")
    assert text.count(":arrow_right:") == 7 and text.count(":leftwards_arrow_with_hook:") == 1
    assert "after 2d 1h in Business understanding" in text
    assert "after 3d in Data preparation" in text  # the second visit, from the move back
    assert "Data preparation: 5d 1h (2 visits)" in text
    assert "The model overfits: features need rework" in text

    status = await slack.command("status", user="U0BOB")
    assert status.json["text"].splitlines()[0] == "Churn Radar is in Deployment — day 1, iteration 2"
    card = await slack.command("phase", user="U0BOB")
    assert card.json["text"].splitlines()[0] == "Churn Radar is in Deployment — day 1, iteration 2"

    async with runtime.db.read() as session:
        entries = await audit.for_project(session, project.id)
    moved = [e for e in entries if e.action == "phase.moved"]
    assert [(e.detail["from_phase"], e.detail["to_phase"]) for e in moved] == \
        [(t.from_phase, t.to_phase) for t in moves[1:]]
    assert all(e.actor_id == ALICE for e in moved)

    await drain()
    announcements = [c.args["text"] for c in standin.calls_to("chat.postMessage")
                     if c.args["text"].startswith("Churn Radar moved")]
    assert len(announcements) == 8
    assert announcements[4].startswith("Churn Radar moved back: Evaluation → Data preparation (iteration 2)")
    assert "Left open in Data preparation" in announcements[5]
    # The prompts were replaced by what became of them.
    replaced = [c.args["text"] for c in standin.calls_to("response_url")]
    assert replaced == ["Moved Churn Radar to Data preparation.", "Moved Churn Radar to Modeling."]
