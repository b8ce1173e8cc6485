"""Socket Mode: Bolt's real Socket Mode handler connected to the stand-in's websocket; commands, events and
interactions arrive as envelopes and the answer travels back in the ack."""

from __future__ import annotations

import time

import aiohttp
import pytest

from bot.console import slack_requests
from bot.runtime import Runtime
from storage.queries import projects
from tests.conftest import BOT_TOKEN, make_settings

APP_TOKEN = "xapp-1-test"


def slash_payload(text: str, *, user: str = "U0ALICE", channel: str = "C0CHURN",
                  trigger_id: str | None = None) -> dict:
    """A slash command as Slack puts it in a Socket Mode envelope: the HTTP form's fields, as JSON."""
    return {
        "token": "socket", "team_id": "T0CRISP", "team_domain": "crisp", "channel_id": channel,
        "channel_name": channel.lower(), "user_id": user, "user_name": user.lower(), "command": "/crisp",
        "text": text, "api_app_id": "A0CRISP", "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.invalid/commands/T0CRISP/socket",
        "trigger_id": trigger_id or slack_requests.new_trigger_id(),
    }


@pytest.fixture
async def socket_runtime(database_url, standin, clock):
    settings = make_settings(database_url, standin.base_url, slack_app_token=APP_TOKEN, slack_signing_secret=None)
    rt = Runtime(settings, clock=clock)
    try:
        await rt.start(http=True, socket_mode=True, worker=False)
        await standin.wait_socket_connected(timeout=5)
        yield rt
    finally:
        await rt.stop()


async def test_settings_with_only_a_bot_token_are_refused(database_url, standin):
    with pytest.raises(ValueError, match="neither SLACK_APP_TOKEN"):
        make_settings(database_url, standin.base_url, slack_app_token=None, slack_signing_secret=None)


async def test_connects_with_the_app_token(socket_runtime, standin):
    [opened] = standin.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN
    assert [c.token for c in standin.calls_to("auth.test")] == [BOT_TOKEN]


async def test_slash_commands_are_answered_in_the_ack_and_announced_through_the_outbox(socket_runtime, standin, clock):
    ack = await standin.socket_send("slash_commands", slash_payload("project create Churn Radar"))
    assert ack["payload"]["response_type"] == "ephemeral"
    assert ack["payload"]["text"].startswith("Created Churn Radar")
    assert "Churn Radar" in str(ack["payload"]["blocks"])

    async with socket_runtime.db.session() as session:
        project = await projects.active_in_channel(session, "T0CRISP", "C0CHURN")
    assert (project.name, project.phase, project.created_by) == ("Churn Radar", "business-understanding", "U0ALICE")

    status = await standin.socket_send("slash_commands", slash_payload("status", user="U0BOB"))
    assert status["payload"]["text"].splitlines()[0] == "Churn Radar is in Business understanding — day 1, iteration 1"

    assert standin.calls_to("chat.postMessage") == []  # only the outbox posts
    await socket_runtime.worker.drain(advance=clock.advance)
    [post] = standin.calls_to("chat.postMessage")
    assert post.args["channel"] == "C0CHURN"
    assert post.args["text"].startswith("New project: Churn Radar")
    assert [m["text"] for m in standin.messages("C0CHURN")] == [post.args["text"]]


async def test_a_nameless_create_opens_the_modal_and_its_submission_creates(socket_runtime, standin):
    trigger = slack_requests.new_trigger_id()
    standin.register_trigger(trigger, "U0ALICE")
    ack = await standin.socket_send("slash_commands", slash_payload("project create", trigger_id=trigger))
    assert not ack.get("payload")  # an empty ack: the answer is the modal
    [modal] = standin.open_views("U0ALICE")
    assert modal["callback_id"]

    block_id = modal["blocks"][-1]["block_id"]
    action_id = modal["blocks"][-1]["element"]["action_id"]
    values = {block_id: {action_id: {"type": "plain_text_input", "value": "Fraud Watch"}}}
    submission = slack_requests.view_submission(slack_requests.Person("U0ALICE", "alice"), modal, values,
                                                slack_requests.new_trigger_id())
    submitted = await standin.socket_send("interactive", submission)
    assert not submitted.get("payload")  # closes the modal
    async with socket_runtime.db.session() as session:
        assert (await projects.active_in_channel(session, "T0CRISP", "C0CHURN")).name == "Fraud Watch"

    # A clash comes back as a field error in the ack, so Slack keeps the modal open.
    standin.register_trigger(trigger2 := slack_requests.new_trigger_id(), "U0BOB")
    await standin.socket_send("slash_commands", slash_payload("project create", user="U0BOB", channel="C0OTHER",
                                                              trigger_id=trigger2))
    [other] = standin.open_views("U0BOB")
    clash = slack_requests.view_submission(slack_requests.Person("U0BOB", "bob"), other, values,
                                           slack_requests.new_trigger_id())
    refused = await standin.socket_send("interactive", clash)
    assert refused["payload"]["response_action"] == "errors"
    assert "already exists" in refused["payload"]["errors"][block_id]


async def test_events_arrive_over_the_socket_too(socket_runtime, standin, clock):
    await standin.socket_send("slash_commands", slash_payload("project create Churn Radar"))
    event = {"token": "socket", "team_id": "T0CRISP", "api_app_id": "A0CRISP", "type": "event_callback",
             "event_id": "Ev0SOCKET1", "event_time": int(time.time()),
             "event": {"type": "app_home_opened", "user": "U0BOB", "channel": "D0BOB", "tab": "home",
                       "event_ts": "1.000001"}}
    ack = await standin.socket_send("events_api", event)
    assert "envelope_id" in ack
    await socket_runtime.worker.drain(advance=clock.advance)
    home = standin.home_view("U0BOB")
    assert home is not None and "Churn Radar" in str(home["blocks"])


async def test_without_a_signing_secret_slack_events_is_not_served_but_health_is(socket_runtime):
    base = f"http://127.0.0.1:{socket_runtime.port}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/slack/events", data="command=/crisp&text=help",
                             headers={"Content-Type": "application/x-www-form-urlencoded"}) as response:
            assert response.status == 404
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok"}
