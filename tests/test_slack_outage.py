"""Slack's API down: the bot still starts, answers commands from the database, keeps their messages in
the outbox and delivers each once Slack is back; Socket Mode keeps trying with one line per attempt."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.authorization import SingleWorkspaceAuthorization
from bot.runtime import Runtime
from bot.socket_mode import connect_with_backoff, quiet_client_logger
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings
from tests.slack_client import SlackTestClient


async def test_the_bot_starts_answers_and_delivers_once_slack_recovers(database_url, standin, clock, caplog):
    standin.fail("*", status=500, times=10_000)  # down before we start
    runtime = Runtime(make_settings(database_url, standin.base_url), clock=clock)
    caplog.set_level(logging.INFO)
    await runtime.start(http=True, worker=False)
    slack = SlackTestClient(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET, clock)
    try:
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1 and "does not answer" in warnings[0].getMessage()
        assert not any(r.exc_info for r in caplog.records)
        auth_tests_at_start = len(standin.calls_to("auth.test", include_failed=True))

        answer = await slack.command("project create Churn Radar", channel="C0CHURN")
        assert answer.status == 200
        assert answer.json["text"].startswith("Created Churn Radar")
        # Answered from the database: no Slack call was made on the ack path.
        assert len(standin.calls_to("auth.test", include_failed=True)) == auth_tests_at_start

        await runtime.worker.run_once()  # Slack still fails: the announcement waits
        assert standin.messages("C0CHURN") == []

        standin.recover()
        await runtime.worker.drain(advance=clock.advance)
        assert len(standin.messages("C0CHURN")) == 1
    finally:
        await slack.close()
        await runtime.stop()


async def test_the_identity_is_learned_in_the_background_once_slack_answers(standin):
    standin.fail("auth.test", status=503, times=2)
    client = AsyncWebClient(base_url=standin.base_url)
    authorization = SingleWorkspaceAuthorization(BOT_TOKEN, client, retry_first=0.01)
    assert await authorization.check() is not None
    unknown = await authorization(enterprise_id=None, team_id="T0CRISP", user_id="U0ALICE")
    assert (unknown.bot_token, unknown.bot_user_id) == (BOT_TOKEN, None)

    await authorization.keep_checking()
    known = await authorization(enterprise_id=None, team_id="T0CRISP", user_id="U0ALICE")
    assert (known.bot_token, known.bot_user_id, known.team_id) == (BOT_TOKEN, "U0CRISPBOT", "T0CRISP")


async def test_socket_mode_retries_with_backoff_and_one_line_per_attempt(database_url, standin, clock, caplog):
    settings = make_settings(database_url, standin.base_url, slack_app_token="xapp-1-test", slack_signing_secret=None)
    runtime = Runtime(settings, clock=clock)
    await runtime.start(http=False, worker=False)
    standin.fail("apps.connections.open", status=500, times=3)
    handler = AsyncSocketModeHandler(runtime.bolt_app, "xapp-1-test", logger=quiet_client_logger())
    caplog.set_level(logging.INFO)
    try:
        await connect_with_backoff(handler, first_retry=0.01, max_retry=0.02)
        await standin.wait_socket_connected(timeout=5)
        attempts = [r for r in caplog.records if "cannot reach Slack" in r.getMessage()]
        assert [r.levelno for r in attempts] == [logging.WARNING] * 3
        assert all("\n" not in r.getMessage() and not r.exc_info for r in caplog.records)
    finally:
        await handler.close_async()
        await runtime.stop()
