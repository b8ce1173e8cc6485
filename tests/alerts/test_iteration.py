"""*Start an iteration* on a drift alert of a project in deployment: the leads' form moves the phase back
with the alert as the reason; phase history and the alert's thread name each other; others are refused
with the leads named; Slack's retries of the submission move once."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.crisp_dm import Phase
from bot.lifecycle import service as lifecycle
from bot.permissions import Caller
from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from storage.tables import AlertGroup, PhaseTransition, Project
from tests.alerts.conftest import sample
from tests.alerts.test_samples import make_project, message_text

CHANNEL = "C0FRAUD"


async def project_row(runtime) -> Project:
    async with runtime.db.read() as session:
        return (await session.execute(select(Project))).scalars().one()


async def drift_alert_in_deployment(runtime, slack, alerts, standin, relay, *, phase=Phase.DEPLOYMENT) -> dict:
    await make_project(slack, "Fraud Scorer", CHANNEL)
    await slack.command("alerts route model=fraud-scorer", channel=CHANNEL)
    await slack.command("role add <@U0ALICE|alice> product-owner", channel=CHANNEL)
    await slack.command("role add <@U0BOB|bob> ml-engineer", channel=CHANNEL)
    project = await project_row(runtime)
    admin = Caller(team_id="T0CRISP", user_id="U0ADMIN", is_admin=True)
    await lifecycle.move(runtime.services, admin, project.id,
                         lifecycle.MoveRequest(phase, "shipped", confirmed=True))
    assert (await alerts.post("alertmanager", sample("alertmanager_firing"))).status == 202
    await relay()
    [post] = [c for c in standin.calls_to("chat.postMessage") if "attachments" in c.args]
    standin.calls.clear()
    return post


def buttons(call) -> dict[str, dict]:
    [block] = [b for b in call.args["attachments"][0]["blocks"] if b["type"] == "actions"]
    return {e["action_id"]: e for e in block["elements"]}


async def press_start(slack, standin, post, user: str, trigger: str):
    standin.register_trigger(trigger, user)
    value = buttons(post)[ActionId.ALERT_START_ITERATION]["value"]
    answer = await slack.press(ActionId.ALERT_START_ITERATION, user=user, channel=CHANNEL, value=value,
                               block_id=BlockId.ALERT_ACTIONS, trigger_id=trigger)
    assert answer.status == 200
    return answer


def chosen(phase: Phase) -> dict:
    return {BlockId.ITERATION_PHASE: {InputId.ITERATION_PHASE: {
        "type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": phase.title},
                                                     "value": phase.value}}}}


async def transitions(runtime) -> list[PhaseTransition]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(PhaseTransition).order_by(PhaseTransition.id))).scalars())


async def test_start_an_iteration_moves_back_with_the_alert_as_reason(runtime, slack, alerts, standin, relay):
    post = await drift_alert_in_deployment(runtime, slack, alerts, standin, relay)
    assert buttons(post)[ActionId.ALERT_START_ITERATION]["text"]["text"] == "Start an iteration"

    await press_start(slack, standin, post, "U0ALICE", "t-alice")
    [opened] = standin.calls_to("views.open")
    form = opened.response["view"]
    assert form["callback_id"] == CallbackId.ALERT_ITERATION
    select_element = form["blocks"][1]["element"]
    assert select_element["initial_option"]["value"] == Phase.DATA_UNDERSTANDING.value
    assert Phase.DEPLOYMENT.value not in [o["value"] for o in select_element["options"]]

    answer = await slack.submit(form, chosen(Phase.DATA_PREPARATION), user="U0ALICE")
    assert answer.status == 200 and answer.text == ""
    # Slack delivering the same submission again makes no second move.
    assert (await slack.submit(form, chosen(Phase.DATA_PREPARATION), user="U0ALICE")).text == ""
    await relay()

    project = await project_row(runtime)
    assert (project.phase, project.iteration) == (Phase.DATA_PREPARATION.value, 2)
    moves = await transitions(runtime)
    assert [(m.from_phase, m.to_phase) for m in moves][-1] == ("deployment", "data-preparation")
    assert sum(m.to_phase == "data-preparation" for m in moves) == 1
    async with runtime.db.read() as session:
        group = (await session.execute(select(AlertGroup))).scalars().one()
    assert moves[-1].note == f"Drift alert: FeatureDriftDetected (alert #{group.id})"
    assert moves[-1].actor_id == "U0ALICE"

    history = await slack.command("phase history", channel=CHANNEL)
    assert "Drift alert: FeatureDriftDetected" in json.dumps(history.json)

    replies = [c for c in standin.calls_to("chat.postMessage") if c.args.get("thread_ts") == post.response["ts"]]
    [reply] = [c for c in replies if "started iteration" in c.args["text"]]
    assert "<@U0ALICE> started iteration 2 of *Fraud Scorer*" in reply.args["text"]
    assert "Data preparation" in reply.args["text"] and "phase history" in reply.args["text"]
    announcement = [c for c in standin.calls_to("chat.postMessage")
                    if c.args["channel"] == CHANNEL and "moved *Fraud Scorer* back" in message_text(c)]
    assert len(announcement) == 1
    edit = standin.calls_to("chat.update")[-1]  # the project left deployment: the button is gone
    assert ActionId.ALERT_START_ITERATION not in buttons(edit)


async def test_the_default_phase_is_data_understanding(runtime, slack, alerts, standin, relay):
    post = await drift_alert_in_deployment(runtime, slack, alerts, standin, relay)
    await press_start(slack, standin, post, "U0ADMIN", "t-admin")
    form = standin.calls_to("views.open")[0].response["view"]
    assert (await slack.submit(form, {}, user="U0ADMIN")).text == ""
    assert (await project_row(runtime)).phase == Phase.DATA_UNDERSTANDING.value


async def test_a_member_without_the_role_is_refused_naming_the_leads(runtime, slack, alerts, standin, relay, drain):
    post = await drift_alert_in_deployment(runtime, slack, alerts, standin, relay)
    await press_start(slack, standin, post, "U0BOB", "t-bob")
    assert standin.calls_to("views.open") == []
    await drain()
    [refusal] = standin.calls_to("chat.postEphemeral")
    assert refusal.args["user"] == "U0BOB"
    assert refusal.args["text"].startswith("Refused: only Crisp admins and the project's product owner")
    assert "<@U0ALICE> (product owner)" in refusal.args["text"]

    # A form submitted by someone else (forged, or the role removed meanwhile) is refused in the form.
    await press_start(slack, standin, post, "U0ALICE", "t-alice")
    form = standin.calls_to("views.open")[0].response["view"]
    answer = await slack.submit(form, chosen(Phase.MODELING), user="U0BOB")
    assert answer.json["response_action"] == "errors"
    assert "U0ALICE" in answer.json["errors"][BlockId.ITERATION_PHASE] or \
        "product owner" in answer.json["errors"][BlockId.ITERATION_PHASE]
    assert (await project_row(runtime)).phase == Phase.DEPLOYMENT.value


async def test_no_button_outside_deployment(runtime, slack, alerts, standin, relay):
    post = await drift_alert_in_deployment(runtime, slack, alerts, standin, relay, phase=Phase.MODELING)
    assert ActionId.ALERT_START_ITERATION not in buttons(post)
    # A stale button (the project left deployment since) changes nothing.
    value = json.dumps({"g": 1})
    standin.register_trigger("t-stale", "U0ALICE")
    await slack.press(ActionId.ALERT_START_ITERATION, user="U0ALICE", channel=CHANNEL, value=value,
                      block_id=BlockId.ALERT_ACTIONS, trigger_id="t-stale")
    assert standin.calls_to("views.open") == []
    assert (await project_row(runtime)).phase == Phase.MODELING.value


async def test_entering_and_leaving_deployment_redraws_open_drift_alerts(runtime, slack, alerts, standin, relay):
    post = await drift_alert_in_deployment(runtime, slack, alerts, standin, relay, phase=Phase.EVALUATION)
    assert ActionId.ALERT_START_ITERATION not in buttons(post)
    admin = Caller(team_id="T0CRISP", user_id="U0ADMIN", is_admin=True)
    project = await project_row(runtime)
    for phase, offered in ((Phase.DEPLOYMENT, True), (Phase.EVALUATION, False)):
        await lifecycle.move(runtime.services, admin, project.id,
                             lifecycle.MoveRequest(phase, "moving on", confirmed=True))
        await relay()
        edits = [c for c in standin.calls_to("chat.update") if "attachments" in c.args]
        assert edits and (ActionId.ALERT_START_ITERATION in buttons(edits[-1])) is offered, phase
        standin.calls.clear()
