"""Socket Mode envelopes get the same checks as HTTP bodies: a payload Slack would never send is acked
without a payload, logged once, and never reaches Bolt."""

from __future__ import annotations

import math

import pytest

from bot.console import slack_requests
from bot.runtime import Runtime
from storage.queries import projects
from tests.conftest import make_settings
from tests.handlers.conftest import table_counts

APP_TOKEN = "xapp-1-test"


@pytest.fixture
async def socket_runtime(database_url, standin, clock):
    settings = make_settings(database_url, standin.base_url, slack_app_token=APP_TOKEN, slack_signing_secret=None)
    runtime = Runtime(settings, clock=clock)
    try:
        await runtime.start(http=False, socket_mode=True, worker=False)
        await standin.wait_socket_connected(timeout=5)
        yield runtime
    finally:
        await runtime.stop()


def command(text: str = "project create Churn Radar", **changes) -> dict:
    return {"token": "socket", "team_id": "T0CRISP", "channel_id": "C0CHURN", "user_id": "U0ALICE",
            "command": "/crisp", "text": text, "trigger_id": slack_requests.new_trigger_id(), **changes}


def block_action(**changes) -> dict:
    payload = slack_requests.block_action(slack_requests.Person("U0ALICE", "alice"),
                                          {"action_id": "crisp.unknown", "type": "button"}, "t",
                                          place=slack_requests.Place("C0CHURN", "churn"), message={"ts": "1.1"})
    return payload | changes


def event(inner: dict, **changes) -> dict:
    return {"token": "socket", "team_id": "T0CRISP", "api_app_id": "A0CRISP", "type": "event_callback",
            "event_id": "Ev0SOCKET1", "event_time": 1, "event": inner, **changes}


REFUSED = {
    "a 41-character channel id": ("slash_commands", command(channel_id="C" * 41), "channel_id"),
    "an empty channel id": ("slash_commands", command(channel_id=""), "channel_id"),
    "a command that is not a string": ("slash_commands", command(command=["/crisp"]), "command"),
    "a string team": ("interactive", block_action(team="T0CRISP"), "team"),
    "a null action_id": ("interactive", block_action(actions=[{"action_id": None}]), "actions.0.action_id"),
    "an unknown interaction": ("interactive", block_action(type="dialog_submission"), "type"),
    "app_home_opened without user": ("events_api", event({"type": "app_home_opened", "tab": "home"}), "event.user"),
    "an event that is a list": ("events_api", event([]), "event"),
    "NaN": ("events_api", event({"type": "app_home_opened", "user": "U0BOB"}, event_time=math.nan), "finite"),
    "a 40-digit integer": ("events_api", event({"type": "app_home_opened", "user": "U0BOB"}, event_time=10**40),
                           "digits"),
    "deep nesting": ("events_api", event({"type": "x", "deep": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
        ]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}), "nested"),
    "a payload that is a list": ("interactive", [block_action()], "payload"),
    "a payload that is a number": ("events_api", 5, "payload"),
    "a payload that is a string": ("slash_commands", "/crisp help", "command: missing"),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_a_malformed_envelope_is_acked_empty_logged_once_and_changes_nothing(case, socket_runtime, standin,
                                                                                    log_records):
    envelope_type, payload, named = REFUSED[case]
    before = await table_counts(socket_runtime.db)
    ack = await standin.socket_send(envelope_type, payload)
    assert "envelope_id" in ack and not ack.get("payload")
    [refusal] = [r for r in log_records.records if r.name == "crisp.requests"]
    assert refusal.levelname == "WARNING" and refusal.exc_info is None
    assert named in refusal.detail
    assert log_records.errors == []
    assert await table_counts(socket_runtime.db) == before


async def test_a_well_formed_envelope_still_goes_through_with_its_text_cleaned(socket_runtime, standin, log_records):
    ack = await standin.socket_send("slash_commands", command("project create Churn\x00 Radar\u202e"))
    assert ack["payload"]["text"].startswith("Created Churn Radar")
    async with socket_runtime.db.session() as session:
        assert (await projects.active_in_channel(session, "T0CRISP", "C0CHURN")).name == "Churn Radar"
    assert log_records.records == []
