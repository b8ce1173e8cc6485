"""Buttons and modals: the Create button opens a modal on the ack path; submissions validate inline."""

from __future__ import annotations

import json

from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from storage.queries import projects
from tests.handlers.conftest import table_counts


def name_values(name: str) -> dict:
    return {BlockId.PROJECT_NAME: {InputId.PROJECT_NAME: {"type": "plain_text_input", "value": name}}}


async def open_modal(slack, standin, *, channel="C0NEW", user="U0ADMIN") -> dict:
    trigger = f"trigger-{channel}-{user}"
    standin.register_trigger(trigger, user)
    answer = await slack.press(ActionId.OPEN_CREATE_PROJECT, channel=channel, user=user, trigger_id=trigger)
    assert answer.status == 200
    [opened] = standin.calls_to("views.open")[-1:]
    assert opened.args["trigger_id"] == trigger
    return opened.response["view"]


async def test_the_create_button_opens_the_modal_in_the_ack(slack, standin):
    view = await open_modal(slack, standin)
    assert view["callback_id"] == CallbackId.CREATE_PROJECT
    assert json.loads(view["private_metadata"]) == {"channel": "C0NEW"}
    assert standin.open_views("U0ADMIN")[-1]["id"] == view["id"]


async def test_submitting_the_modal_creates_the_project(runtime, slack, standin, drain):
    view = await open_modal(slack, standin)
    answer = await slack.submit(view, name_values("Fraud Watch"))
    assert answer.status == 200 and answer.text == ""  # closes the modal
    async with runtime.db.session() as session:
        project = await projects.active_in_channel(session, "T0CRISP", "C0NEW")
    assert project.name == "Fraud Watch"
    await drain()
    assert standin.calls_to("chat.postMessage")[0].args["channel"] == "C0NEW"


async def test_a_bad_name_keeps_the_modal_open_with_the_error_on_the_field(runtime, slack, standin):
    await slack.command("project create Fraud Watch", channel="C0FRAUD")
    view = await open_modal(slack, standin)
    # The form's own words: no command syntax, no mrkdwn (Slack shows field errors as plain text).
    for name, expected in [
        ("fraud watch", "A project called Fraud Watch already exists in another channel. Pick another name."),
        ("   ", "Enter a name for the project."),
        ("x" * 93, "Keep the name to 80 characters (this one has 93)."),
        ("!!!", "Use some letters or digits (or emoji) in the name."),
    ]:
        answer = await slack.submit(view, name_values(name))
        body = answer.json
        assert body["response_action"] == "errors"
        error = body["errors"][BlockId.PROJECT_NAME]
        assert error == expected
        assert not any(mark in error for mark in ("*", "`", "<", "&", "project create"))
    async with runtime.db.session() as session:
        assert await projects.active_in_channel(session, "T0CRISP", "C0NEW") is None


async def test_the_button_in_a_channel_that_has_a_project_explains_instead(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    answer = await slack.press(ActionId.OPEN_CREATE_PROJECT, channel="C0CHURN", user="U0BOB")
    assert answer.status == 200
    assert standin.calls_to("views.open") == []
    await drain()
    [ephemeral] = standin.calls_to("chat.postEphemeral")
    assert ephemeral.args["user"] == "U0BOB"
    assert ephemeral.args["text"].startswith("This channel already tracks Churn Radar")


async def test_project_create_without_a_name_opens_the_modal(slack, standin):
    standin.register_trigger("t-cmd", "U0ADMIN")
    answer = await slack.command("project create", channel="C0NEW", trigger_id="t-cmd")
    assert answer.status == 200 and answer.text == ""
    [opened] = standin.calls_to("views.open")
    assert opened.response["view"]["callback_id"] == CallbackId.CREATE_PROJECT


async def test_an_expired_trigger_gets_a_clear_answer(slack, standin, clock):
    standin.register_trigger("t-old", "U0ADMIN")
    clock.advance(10)  # Slack's triggers last 3 seconds
    answer = await slack.command("project create", channel="C0NEW", trigger_id="t-old")
    assert answer.status == 200
    assert answer.json["text"].startswith("Slack would not open the form (expired_trigger_id)")


async def test_slack_not_answering_the_form_gets_a_clear_answer_in_time(slack, standin, monkeypatch, log_records):
    monkeypatch.setattr("handlers.modals.OPEN_TIMEOUT_SECONDS", 0.2)
    standin.register_trigger("t-slow", "U0ADMIN")
    hold = standin.hold("views.open")
    try:
        answer = await slack.command("project create", channel="C0NEW", trigger_id="t-slow")
    finally:
        hold.release()
    assert answer.json["text"].startswith("Slack did not answer in time to open the form; please try again.")
    assert log_records.errors == []
    assert [r.getMessage() for r in log_records.warnings] == ["views.open failed: TimeoutError"]


async def test_a_form_whose_context_lost_its_channel_is_refused_on_the_field(runtime, slack, standin, log_records):
    view = await open_modal(slack, standin)
    before = await table_counts(runtime.db)
    for metadata in ("", "[]", json.dumps({"other": 1})):
        answer = await slack.submit({**view, "private_metadata": metadata}, name_values("Fraud Watch"))
        assert answer.json["response_action"] == "errors", metadata
        assert answer.json["errors"][BlockId.PROJECT_NAME].startswith("This form does not say which channel")
    assert await table_counts(runtime.db) == before
    assert log_records.errors == []
