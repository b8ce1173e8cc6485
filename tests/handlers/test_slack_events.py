"""POST /slack/events: Slack's signature is checked before anything else happens."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.clock import FakeClock
from bot.console import slack_requests
from bot.console.slack_requests import Person, Place
from bot.logs import configure_logging
from bot.runtime import Runtime
from storage.queries import projects
from tests.conftest import SIGNING_SECRET, make_settings
from tests.handlers.conftest import table_counts
from tests.handlers.test_interactivity import name_values, open_modal
from tests.slack_client import Answer, SlackTestClient

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"


def signing_example() -> dict:
    # A copy of Slack's worked example (docs on verifying requests), kept with the tests.
    local = SAMPLES_DIR / "signing_example.json"
    return json.loads(local.read_text())


async def test_slacks_published_signing_example_verifies(database_url, standin):
    example = signing_example()
    clock = FakeClock(datetime.fromtimestamp(int(example["timestamp"]), UTC))
    settings = make_settings(database_url, standin.base_url, slack_signing_secret=example["signing_secret"],
                             slash_command="/webhook-collect")
    runtime = Runtime(settings, clock=clock)
    await runtime.start(http=True, worker=False, check_token=False)
    client = SlackTestClient(f"http://127.0.0.1:{runtime.port}", example["signing_secret"], clock)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Slack-Request-Timestamp": example["timestamp"],
                   "X-Slack-Signature": example["expected_signature"]}
        answer = await client.post_raw(example["body"], headers)
        assert answer.status == 200
        # The example's command, answered as help (empty text), in the HTTP response itself.
        assert answer.json["response_type"] == "ephemeral"
        assert "Crisp help" in answer.json["text"]

        tampered = dict(headers, **{"X-Slack-Signature": example["expected_signature"][:-1] + "0"})
        assert (await client.post_raw(example["body"], tampered)).status == 401
    finally:
        await client.close()
        await runtime.stop()


@pytest.mark.parametrize("problem", ["unsigned", "wrong signature", "stale", "from the future", "other secret"])
async def test_bad_signatures_get_401_and_change_nothing(problem, runtime, slack, clock, standin):
    from bot.console import slack_requests
    from bot.console.slack_requests import Person, Place

    body, content_type = slack_requests.slash_command("/crisp", "project create Churn Radar",
                                                      Person("U0ADMIN", "admin"), Place("C0CHURN", "churn"), "t")
    now = int(clock.now().timestamp())
    headers = slack_requests.signed_headers(SIGNING_SECRET, body, content_type=content_type, timestamp=now)
    if problem == "unsigned":
        headers = {"Content-Type": content_type}
    elif problem == "wrong signature":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif problem == "stale":
        headers = slack_requests.signed_headers(SIGNING_SECRET, body, content_type=content_type,
                                                timestamp=now - 5 * 60 - 1)
    elif problem == "from the future":
        headers = slack_requests.signed_headers(SIGNING_SECRET, body, content_type=content_type,
                                                timestamp=now + 5 * 60 + 1)
    else:
        headers = slack_requests.signed_headers("another-secret", body, content_type=content_type, timestamp=now)

    answer = await slack.post_raw(body, headers)

    assert answer.status == 401
    assert answer.json == {"error": "invalid request"}
    async with runtime.db.session() as session:
        assert await projects.active_in_channel(session, "T0CRISP", "C0CHURN") is None
    await runtime.worker.run_once()
    assert standin.calls_to("chat.postMessage") == []


async def test_a_signature_just_inside_five_minutes_is_accepted(slack, clock):
    from bot.console import slack_requests
    from bot.console.slack_requests import Person, Place

    body, content_type = slack_requests.slash_command("/crisp", "help", Person("U0ADMIN", "admin"),
                                                      Place("C0CHURN", "churn"), "t")
    answer = await slack.post_signed(body, content_type, timestamp=int(clock.now().timestamp()) - 299)
    assert answer.status == 200


async def test_slacks_url_verification_challenge_is_answered(slack):
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                              "type": "url_verification"})
    answer = await slack.post_signed(body, "application/json")
    assert answer.status == 200
    assert answer.json == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


# -- input Slack would never send: 401 when unverifiable, 400 naming the field when verified ----------

def signed_bytes(body: bytes, content_type: str, clock, *, timestamp: str | None = None,
                 secret: str = SIGNING_SECRET) -> dict[str, str]:
    stamp = str(int(clock.now().timestamp())) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest}


async def post_bytes(slack, body: bytes, headers: dict[str, str]) -> Answer:
    async with slack.http.post(slack.base_url + "/slack/events", data=body, headers=headers) as response:
        return Answer(response.status, await response.text(), dict(response.headers))


def command_form(text: str = "help", **fields: str) -> bytes:
    body, _ = slack_requests.slash_command("/crisp", text, Person("U0ADMIN", "admin"), Place("C0CHURN", "churn"), "t")
    form = dict(parse_qsl(body, keep_blank_values=True)) | fields
    return urlencode(form).encode()


def action_payload(**changes) -> dict:
    action = {"action_id": "crisp.unknown", "block_id": "b", "type": "button"}
    payload = slack_requests.block_action(Person("U0ADMIN", "admin"), action, "t", place=Place("C0CHURN", "churn"),
                                          message={"ts": "1.000001"})
    return payload | changes


def interactive_form(payload_text: str) -> bytes:
    return urlencode({"payload": payload_text}).encode()


def event_json(event: dict, /, **changes) -> bytes:
    body, _ = slack_requests.event(event)
    return json.dumps(json.loads(body) | changes).encode()


def assert_refused_once(log_records, status: int) -> None:
    refusals = [r for r in log_records.records if r.name == "crisp.requests"]
    assert [(r.levelname, r.status) for r in refusals] == [("WARNING", status)]
    assert refusals[0].exc_info is None  # one line, no traceback
    assert log_records.errors == []


@pytest.mark.parametrize("stamp", ["abc", "1e9", "12.5", "nan", "", "9" * 5000, "-1", "+1", "0x10", "１２３", "1 2"])
async def test_a_timestamp_that_is_not_plain_digits_gets_401(stamp, runtime, slack, clock, log_records):
    before = await table_counts(runtime.db)
    body = command_form("project create Churn Radar")
    # Signed correctly over the odd timestamp itself: the timestamp alone is what is wrong.
    answer = await post_bytes(slack, body, signed_bytes(body, FORM, clock, timestamp=stamp))
    assert (answer.status, answer.json) == (401, {"error": "invalid request"})
    assert_refused_once(log_records, 401)
    assert "timestamp malformed" in log_records.records[0].getMessage()
    assert await table_counts(runtime.db) == before


@pytest.mark.parametrize("body, content_type", [
    (b"text=caf\xe9&command=/crisp", FORM),
    (command_form("project create Churn Radar"), FORM + "; charset=bogus"),
    (b"\xef\xbb\xbf" + command_form(), FORM),
    (b'{"type": "url_verification", "challenge": "x"}', "application/json; charset=nope"),
])
@pytest.mark.parametrize("signature", ["missing", "garbage", "not ascii"])
async def test_unverifiable_bodies_in_any_encoding_get_401(body, content_type, signature, runtime, slack, clock,
                                                           log_records):
    before = await table_counts(runtime.db)
    headers = signed_bytes(body, content_type, clock)
    if signature == "missing":
        del headers["X-Slack-Signature"]
    else:
        headers["X-Slack-Signature"] = "v0=zz" if signature == "garbage" else "v0=ünïcode"
    answer = await post_bytes(slack, body, headers)
    assert answer.status == 401
    assert_refused_once(log_records, 401)
    assert await table_counts(runtime.db) == before


async def test_a_bogus_charset_does_not_stop_a_signed_command(slack, clock):
    body = command_form("help")
    answer = await post_bytes(slack, body, signed_bytes(body, FORM + "; charset=bogus", clock))
    assert answer.status == 200
    assert "Crisp help" in answer.json["text"]


REFUSED_BODIES = {
    "not UTF-8": (b"team_id=T0CRISP&command=/crisp&text=caf\xe9", FORM, "invalid encoding", "not UTF-8"),
    "a byte order mark": (b"\xef\xbb\xbf" + command_form(), FORM, "invalid encoding", "byte order mark"),
    "a %-escape that is not UTF-8": (command_form() + b"&user_name=%FF", FORM, "invalid form", "UTF-8"),
    "payload a string": (interactive_form('"str"'), FORM, "invalid field", "payload"),
    "payload null": (interactive_form("null"), FORM, "invalid field", "payload"),
    "payload not JSON": (interactive_form("{oops"), FORM, "invalid JSON", "payload"),
    "a string team": (interactive_form(json.dumps(action_payload(team="T0CRISP"))), FORM, "invalid field", "team"),
    "a null action_id": (interactive_form(json.dumps(action_payload(actions=[{"action_id": None}]))), FORM,
                         "invalid field", "actions.0.action_id"),
    "no actions": (interactive_form(json.dumps(action_payload(actions=[]))), FORM, "invalid field", "actions"),
    "an empty channel_id": (command_form(channel_id=""), FORM, "invalid field", "channel_id"),
    "a 41-character channel id": (command_form(channel_id="C" * 41), FORM, "invalid field", "channel_id"),
    "a lowercase user id": (command_form(user_id="u0admin"), FORM, "invalid field", "user_id"),
    "no team_id": (command_form().replace(b"team_id=T0CRISP&", b""), FORM, "invalid field", "team_id"),
    "app_home_opened without user": (event_json({"type": "app_home_opened", "channel": "D0BOB", "tab": "home"}),
                                     JSON_TYPE, "invalid field", "event.user"),
    "member_joined_channel with a 41-character channel": (
        event_json({"type": "member_joined_channel", "user": "U0BOB", "channel": "C" * 41}), JSON_TYPE,
        "invalid field", "event.channel"),
    "an event that is a string": (event_json({"type": "x"}, event="app_home_opened"), JSON_TYPE,
                                  "invalid field", "event"),
    "a 5,000-digit integer": (event_json({"type": "app_home_opened", "user": "U0BOB"}).replace(
        b'"event_time": ', b'"event_time": ' + b"9" * 5000 + b", \"was\": "), JSON_TYPE, "invalid JSON", "digits"),
    "NaN": (event_json({"type": "app_home_opened", "user": "U0BOB"}).replace(b'"event_time": ', b'"event_time": NaN, "was": '),
            JSON_TYPE, "invalid JSON", "NaN"),
    "deep nesting": (b'{"type": "event_callback", "team_id": "T0CRISP", "x": ' + b"[" * 5000 + b"]" * 5000 +
                     b', "event": {"type": "x"}}', JSON_TYPE, "invalid JSON", "nested"),
    "a lone surrogate": (event_json({"type": "app_home_opened", "user": "U0BOB", "tab": "\ud800"}), JSON_TYPE,
                         "invalid JSON", "surrogate"),
    "a JSON array": (b"[]", JSON_TYPE, "invalid field", "body"),
    "an unknown content type": (command_form(), "text/plain", "unsupported content type", "text/plain"),
    "a form without command or payload": (b"token=x&team_id=T0CRISP", FORM, "invalid body", "command"),
}


@pytest.mark.parametrize("case", REFUSED_BODIES)
async def test_verified_bodies_slack_would_never_send_get_400_naming_the_problem(case, runtime, slack, clock, standin,
                                                                                 log_records):
    body, content_type, error, named = REFUSED_BODIES[case]
    before, calls_before = await table_counts(runtime.db), len(standin.calls)
    answer = await post_bytes(slack, body, signed_bytes(body, content_type, clock))
    assert answer.status == 400
    assert answer.json["error"] == error
    assert named in answer.json["detail"]
    assert_refused_once(log_records, 400)
    assert await table_counts(runtime.db) == before
    assert len(standin.calls) == calls_before  # no Slack call either: Bolt never saw it


async def test_a_nul_or_bidi_override_in_a_name_is_stored_without_it(runtime, slack, standin):
    answer = await slack.command("project create Churn\x00 Ra\u202edar\x07", channel="C0CHURN")
    assert answer.status == 200, answer.text
    view = await open_modal(slack, standin, channel="C0NEW")
    answer = await slack.submit(view, name_values("Fraud\x00 Watch\u202e"))
    assert answer.status == 200 and answer.text == ""
    async with runtime.db.session() as session:
        assert (await projects.active_in_channel(session, "T0CRISP", "C0CHURN")).name == "Churn Radar"
        assert (await projects.active_in_channel(session, "T0CRISP", "C0NEW")).name == "Fraud Watch"


async def test_a_command_whose_text_says_payload_is_still_a_command(runtime, slack):
    # Bolt's own parser took any form mentioning "payload" for an interaction and found nothing in it.
    answer = await slack.command("project create payload tracker")
    assert answer.status == 200
    async with runtime.db.session() as session:
        assert (await projects.active_in_channel(session, "T0CRISP", "C0CHURN")).name == "payload tracker"


async def test_a_newline_in_a_logged_value_stays_on_its_line(slack, clock):
    stream = io.StringIO()
    configure_logging("INFO", "text", [], stream=stream)
    try:
        forged = "crisp.open\n2030-01-01 00:00:00,000 ERROR crisp: forged\r\x85\u2028"
        payload = action_payload(actions=[{"action_id": forged, "type": "button"}])
        answer = await slack.post_signed(urlencode({"payload": json.dumps(payload)}), FORM)
        assert answer.status in (200, 404)  # no listener has that action id
        refused = action_payload(view={"type": "modal", "state": {"values": {"b\nERROR forged": {"a": {"value": 1}}}}})
        answer = await slack.post_signed(urlencode({"payload": json.dumps(refused)}), FORM)
        assert answer.status == 400
    finally:
        logging.getLogger().handlers.clear()
    lines = stream.getvalue().splitlines()
    # Every line is a record of its own (today's date, a level, a logger): none was started by the values.
    for line in lines:
        assert re.match(r"\d{4}-\d\d-\d\d [0-9:,]+ (INFO|WARNING) [a-z_.]+: ", line), line
    [logged] = [line for line in lines if "kind=action" in line and "crisp.requests" in line]
    [unmatched] = [line for line in lines if "no listener" in line]
    assert "detail=crisp.open\\n2030" in unmatched
    assert "detail=crisp.open\\n2030-01-01 00:00:00,000 ERROR crisp: forged\\r\\x85\\u2028" in logged
    [warning] = [line for line in lines if "refused" in line]
    assert "b\\nERROR forged" in warning


# Shaped like Slack's documented examples, with the fields our listeners do not read.
TEAM = {"id": "T0CRISP", "domain": "crisp", "enterprise_id": "E0ORG", "enterprise_name": "Org"}
USER = {"id": "U0ALICE", "username": "alice", "name": "alice", "team_id": "T0CRISP"}
HOME_VIEW = {"id": "V0HOME", "team_id": "T0CRISP", "type": "home", "blocks": [], "private_metadata": "",
             "callback_id": "", "state": {"values": {}}, "hash": "1.a", "app_id": "A0CRISP",
             "app_installed_team_id": "T0CRISP", "bot_id": "B0CRISP", "root_view_id": "V0HOME",
             "previous_view_id": None, "external_id": "", "title": {"type": "plain_text", "text": "Home"}}
MODAL = {**HOME_VIEW, "id": "V0MODAL", "type": "modal", "callback_id": "crisp.other",
         "private_metadata": json.dumps({"channel": "C0CHURN"}),
         "state": {"values": {"b": {"a": {"type": "plain_text_input", "value": None},
                                    "s": {"type": "static_select", "selected_option": None}}}}}
RICH_MESSAGE = {"type": "message", "user": "U0ALICE", "text": "hi", "ts": "1.000001", "team": "T0CRISP",
                "blocks": [{"type": "rich_text", "block_id": "r", "elements": [{"type": "rich_text_section",
                            "elements": [{"type": "text", "text": "hi", "style": {"bold": True}}]}]}]}
AUTHORIZATIONS = [{"enterprise_id": None, "team_id": "T0CRISP", "user_id": "U0BOT", "is_bot": True,
                   "is_enterprise_install": False}]
SLACK_SHAPES = {
    "block_actions in a message": {
        "type": "block_actions", "user": USER, "api_app_id": "A0CRISP", "token": "x", "team": TEAM,
        "enterprise": None, "is_enterprise_install": False, "trigger_id": "1.2.3",
        "container": {"type": "message", "message_ts": "1.000001", "channel_id": "C0CHURN", "is_ephemeral": False},
        "channel": {"id": "C0CHURN", "name": "churn"}, "message": RICH_MESSAGE, "state": {"values": {}},
        "response_url": "https://hooks.slack.invalid/actions/x",
        "actions": [{"action_id": "crisp.other", "block_id": "b", "type": "static_select", "action_ts": "1.2",
                     "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "x"}}]},
    "block_actions on the home tab": {
        "type": "block_actions", "user": USER, "team": TEAM, "enterprise": {"id": "E0ORG", "name": "Org"},
        "container": {"type": "view", "view_id": "V0HOME"}, "trigger_id": "1.2.3", "view": HOME_VIEW,
        "actions": [{"action_id": "crisp.other", "block_id": "b", "type": "button", "value": "v",
                     "action_ts": "1.2", "text": {"type": "plain_text", "text": "Go"}}]},
    "view_submission": {"type": "view_submission", "team": TEAM, "user": USER, "view": MODAL, "trigger_id": "1.2.3",
                        "enterprise": None, "is_enterprise_install": False,
                        "response_urls": [{"block_id": "b", "action_id": "a", "channel_id": "C0CHURN",
                                           "response_url": "https://hooks.slack.invalid/x"}]},
    "view_closed": {"type": "view_closed", "team": None, "user": USER, "view": MODAL, "is_cleared": False,
                    "enterprise": {"id": "E0ORG"}, "is_enterprise_install": True},
    "shortcut": {"type": "shortcut", "token": "x", "action_ts": "1.2", "team": TEAM, "user": USER,
                 "callback_id": "crisp.shortcut", "trigger_id": "1.2.3", "is_enterprise_install": False},
    "message_action": {"type": "message_action", "team": TEAM, "user": USER, "callback_id": "crisp.shortcut",
                       "trigger_id": "1.2.3", "channel": {"id": "C0CHURN", "name": "churn"}, "message": RICH_MESSAGE,
                       "message_ts": "1.000001", "response_url": "https://hooks.slack.invalid/x"},
    "block_suggestion": {"type": "block_suggestion", "user": USER, "team": TEAM, "action_id": "crisp.options",
                         "block_id": "b", "value": "chu", "container": {"type": "view", "view_id": "V0MODAL"},
                         "view": MODAL},
}
SLACK_EVENTS = {
    "app_home_opened": {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "home",
                        "view": HOME_VIEW},
    "member_joined_channel": {"type": "member_joined_channel", "user": "U0ALICE", "channel": "C0CHURN",
                              "channel_type": "C", "team": "T0CRISP", "inviter": "U0BOB"},
    "message_changed": {"type": "message", "subtype": "message_changed", "channel": "C0CHURN", "hidden": True,
                        "message": RICH_MESSAGE, "previous_message": RICH_MESSAGE, "channel_type": "channel"},
    "reaction_added": {"type": "reaction_added", "user": "U0ALICE", "reaction": "tada", "item_user": "U0BOB",
                       "item": {"type": "message", "channel": "C0CHURN", "ts": "1.000001"}},
    "user_change": {"type": "user_change", "user": {"id": "U0ALICE", "name": "alice", "profile": {}}},
}


@pytest.mark.parametrize("kind", SLACK_SHAPES)
async def test_every_kind_of_interaction_slack_sends_passes_the_checks(kind, slack, log_records):
    answer = await slack.post_signed(urlencode({"payload": json.dumps(SLACK_SHAPES[kind])}), FORM)
    assert answer.status in (200, 404), answer.text  # 404: Bolt has no listener for it
    assert [r for r in log_records.records if r.name == "crisp.requests"] == []


@pytest.mark.parametrize("kind", SLACK_EVENTS)
async def test_every_kind_of_event_slack_sends_passes_the_checks(kind, slack, log_records):
    body = {"token": "x", "team_id": "T0CRISP", "enterprise_id": "E0ORG", "context_team_id": "T0CRISP",
            "context_enterprise_id": None, "api_app_id": "A0CRISP", "type": "event_callback",
            "event_id": "Ev0EXAMPLE1", "event_time": 1767603600, "authorizations": AUTHORIZATIONS,
            "is_ext_shared_channel": False, "event_context": "4-abc", "event": {**SLACK_EVENTS[kind],
                                                                                "event_ts": "1.000002"}}
    answer = await slack.post_signed(json.dumps(body), JSON_TYPE)
    assert answer.status in (200, 404), answer.text
    assert [r for r in log_records.records if r.name == "crisp.requests"] == []
    assert log_records.errors == []


@pytest.mark.parametrize("body, content_type", [
    ("ssl_check=1&token=x", FORM),
    (json.dumps({"token": "x", "type": "app_rate_limited", "team_id": "T0CRISP", "minute_rate_limited": 1518467820,
                 "api_app_id": "A0CRISP"}), JSON_TYPE),
])
async def test_slacks_housekeeping_requests_pass_the_checks(body, content_type, slack, log_records):
    answer = await slack.post_signed(body, content_type)
    assert answer.status in (200, 404), answer.text
    assert [r for r in log_records.records if r.name == "crisp.requests"] == []


async def test_a_body_over_a_mebibyte_gets_413_before_anything_else(runtime, slack, clock, log_records):
    before = await table_counts(runtime.db)
    body = command_form("x" * (1024 * 1024))
    answer = await post_bytes(slack, body, signed_bytes(body, FORM, clock))
    assert answer.status == 413
    assert_refused_once(log_records, 413)
    assert await table_counts(runtime.db) == before
