"""Logs: one line per Slack request and outbox send, JSON on request, and never a secret."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import configure_logging
from tests.conftest import BOT_TOKEN, SIGNING_SECRET


@pytest.fixture
def captured():
    stream = io.StringIO()
    configure_logging("INFO", "json", [BOT_TOKEN, SIGNING_SECRET, "alert-secret-value"], stream=stream)
    yield stream
    logging.getLogger().handlers.clear()


def records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def test_each_slack_request_and_outbox_send_is_one_json_line_with_its_ids(captured, slack, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await drain()
    lines = records(captured)
    [request] = [r for r in lines if r["logger"] == "crisp.requests"]
    assert request["message"].startswith("slack request kind=command detail=/crisp project create")
    assert (request["team"], request["user"], request["channel"], request["status"]) == \
        ("T0CRISP", "U0ALICE", "C0CHURN", 200)
    assert isinstance(request["ms"], float)
    [send] = [r for r in lines if r["message"].startswith("outbox send")]
    assert (send["outbox_id"], send["method"], send["lane"], send["result"]) == \
        (1, "chat.postMessage", "T0CRISP:C0CHURN", "Delivered")
    assert send["ts"]
    assert "Churn Radar" not in request["message"]  # what people type stays out of the log


async def test_refused_signatures_are_logged(captured, slack):
    await slack.post_raw("token=x", {"Content-Type": "application/x-www-form-urlencoded"})
    [line] = [r for r in records(captured) if r["logger"] == "crisp.requests"]
    assert line["level"] == "warning" and line["status"] == 401 and "signature missing" in line["message"]


def test_secrets_and_token_shapes_never_reach_the_log(captured):
    log = logging.getLogger("crisp.test")
    log.info("token %s and secret %s", BOT_TOKEN, SIGNING_SECRET)
    log.warning("someone else's token xoxp-1234-5678-abcdef and app token xapp-1-A0-123-abc")
    log.error("alert secret in extra", extra={"detail": "Bearer alert-secret-value"})
    try:
        raise RuntimeError(f"failed with {BOT_TOKEN}")
    except RuntimeError:
        log.exception("boom")
    text = captured.getvalue()
    for secret in (BOT_TOKEN, SIGNING_SECRET, "alert-secret-value", "xoxp-1234", "xapp-1-A0"):
        assert secret not in text
    assert text.count("[redacted]") >= 6


def test_text_format_is_one_line_per_record():
    stream = io.StringIO()
    configure_logging("INFO", "text", [], stream=stream)
    try:
        logging.getLogger("crisp.test").info("hello %s", "world")
        assert stream.getvalue().rstrip("\n").count("\n") == 0
        assert stream.getvalue().rstrip().endswith("INFO crisp.test: hello world")
    finally:
        logging.getLogger().handlers.clear()


def test_text_format_escapes_what_could_forge_or_hide_a_line_but_keeps_tracebacks():
    stream = io.StringIO()
    configure_logging("INFO", "text", [], stream=stream)
    try:
        log = logging.getLogger("crisp.test")
        log.warning("refused %s", "x\n2030-01-01 00:00:00,000 ERROR crisp: forged\r\x00\x1b[2J\x85\u2028\u202e\ud800\tok")
        try:
            raise RuntimeError("a real bug")
        except RuntimeError:
            log.exception("listener failed ref=%s", "a\nb")
    finally:
        logging.getLogger().handlers.clear()
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith(
        "WARNING crisp.test: refused x\\n2030-01-01 00:00:00,000 ERROR crisp: forged\\r\\x00\\x1b[2J\\x85\\u2028"
        "\\u202e\\ud800\tok")
    assert lines[1].endswith("ERROR crisp.test: listener failed ref=a\\nb")
    assert lines[2] == "Traceback (most recent call last):" and lines[-1] == "RuntimeError: a real bug"


def test_json_format_keeps_one_object_per_line_whatever_the_values(captured):
    logging.getLogger("crisp.test").warning("refused %s", "x\ny\u2028", extra={"detail": "a\r\nb"})
    [line] = captured.getvalue().splitlines()
    record = json.loads(line)
    assert (record["message"], record["detail"]) == ("refused x\ny\u2028", "a\r\nb")
