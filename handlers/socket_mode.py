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
        # Runs before slack-sdk turns the message into a request, which raises on a payload that is neither
        # an object nor a string.
        self.client.message_listeners.append(self._refuse_payload_of_another_type)

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        try:
            req.payload = slack_payloads.from_socket_mode(req.type, req.payload)
        except slack_payloads.Refused as refused:
            await self._refuse(client, req.envelope_id, refused)
            return
        await super().handle(client, req)

    async def _refuse_payload_of_another_type(self, client: AsyncBaseSocketModeClient, message: dict,
                                              _raw: str | None) -> None:
        envelope_id = message.get("envelope_id")
        if "payload" in message and not isinstance(message["payload"], dict | str) and isinstance(envelope_id, str):
            del message["payload"]  # so slack-sdk makes no request of it
            await self._refuse(client, envelope_id, slack_payloads.Refused("invalid field", "payload: must be an object"))

    async def _refuse(self, client: AsyncBaseSocketModeClient, envelope_id: str,
                      refused: slack_payloads.Refused) -> None:
        if self._metrics is not None:
            self._metrics.slack_requests.labels(kind="malformed", status="400").inc()
        log.warning("slack request refused: %s: %s (socket mode envelope %s)", refused.error, refused.detail,
                    envelope_id, extra={"status": 400, "reason": refused.error, "detail": refused.detail,
                                        "mode": "socket_mode"})
        # Acked, so Slack does not send it again; with no payload, so nothing is answered.
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=envelope_id))
