"""Keeping the Socket Mode connection up when Slack is unreachable: backoff and one line per attempt.

slack-sdk's client retries on its own, but every few seconds and with a full traceback each time, and
its first `connect()` does not return until Slack answers. Here the first connection is made in the
background with growing pauses, and the client's later reconnect messages lose their tracebacks.
"""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

log = logging.getLogger("crisp.socket_mode")

FIRST_RETRY_SECONDS = 2.0
MAX_RETRY_SECONDS = 60.0


class OneLineRecords(logging.Filter):
    """A connection failure is an expected event here, not a bug: keep its message, drop its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message = f"{message} ({type(record.exc_info[1]).__name__})"
            record.exc_info = None
            record.exc_text = None
        record.msg = " | ".join(line.strip() for line in message.splitlines() if line.strip())
        record.args = None
        return True


def quiet_client_logger() -> logging.Logger:
    """The logger slack-sdk's Socket Mode client writes to."""
    client_logger = logging.getLogger("crisp.socket_mode.client")
    if not any(isinstance(f, OneLineRecords) for f in client_logger.filters):
        client_logger.addFilter(OneLineRecords())
    return client_logger


async def connect_with_backoff(handler: AsyncSocketModeHandler, *, first_retry: float = FIRST_RETRY_SECONDS,
                               max_retry: float = MAX_RETRY_SECONDS) -> None:
    """Ask Slack for a websocket URL until it gives one, then connect; returns once connected."""
    delay = first_retry
    attempt = 1
    while True:
        try:
            # Asked directly rather than through the client, which logs every failure at length.
            opened = await handler.client.web_client.apps_connections_open(app_token=handler.app_token)
            url = opened["url"]
        except Exception as exc:
            reason = getattr(getattr(exc, "response", None), "data", None)
            reason = reason.get("error") if isinstance(reason, dict) else f"{type(exc).__name__}: {exc}"
            log.warning("Socket Mode: cannot reach Slack (attempt %d: %s); retrying in %.0f s",
                        attempt, str(reason).replace("\n", " ")[:200], delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_retry)
            attempt += 1
            continue
        handler.client.wss_uri = url
        await handler.connect_async()
        log.info("connected to Slack over Socket Mode")
        return
