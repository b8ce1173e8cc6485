"""Bolt's Socket Mode handler with the same checks as the HTTP endpoint: an envelope whose payload Slack
would never send is acked without a payload and logged once, and Bolt never sees it."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.metrics import Metrics
from handlers import slack_payloads

log = logging.getLogger("crisp.requests")


class CheckedSocketModeHandler(AsyncSocketModeHandler):
    def __init__(self, *args, metrics: Metrics | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._metrics = metrics

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        try:
            _, req.payload = slack_payloads.from_socket_mode(req.type, req.payload)
        except slack_payloads.Refused as refused:
            if self._metrics is not None:
                self._metrics.slack_requests.labels(kind="malformed", status="400").inc()
            log.warning("slack request refused: %s: %s (socket mode envelope %s)", refused.error, refused.detail,
                        req.envelope_id, extra={"status": 400, "reason": refused.error, "detail": refused.detail,
                                                "mode": "socket_mode"})
            # Acked, so Slack does not send it again; with no payload, so nothing is answered.
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        await super().handle(client, req)
