"""POST /slack/events: Slack's signature is checked before anything else happens."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.runtime import Runtime
from storage.queries import projects
from tests.conftest import SIGNING_SECRET, make_settings
from tests.slack_client import SlackTestClient

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
