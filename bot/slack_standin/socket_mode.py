"""Socket Mode imitation: a websocket that says hello, sends envelopes and collects acks.

Lets the real slack-sdk SocketModeClient (and Bolt's Socket Mode handler) run
against the stand-in, so commands, events and interactions can be driven from
tests or console mode without Slack.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

logger = logging.getLogger(__name__)

ENVELOPE_TYPES = frozenset({"slash_commands", "events_api", "interactive"})


class SocketModeHub:
    """Tracks connected clients and pairs outgoing envelopes with their acks."""

    def __init__(self, app_id: str) -> None:
        self.app_id = app_id
        self._sockets: list[web.WebSocketResponse] = []
        self._connected = asyncio.Event()
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp route for ``/socket-mode``; autoping answers slack-sdk's pings."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        self._connected.set()
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "debug_info": {"host": "standin", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id},
            }
        )
        logger.debug("socket mode client connected (%d open)", len(self._sockets))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._on_text(message.data)
        finally:
            self._sockets.remove(ws)
            if not self._sockets:
                self._connected.clear()
            logger.debug("socket mode client gone (%d open)", len(self._sockets))
        return ws

    def _on_text(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            logger.warning("socket mode client sent non-JSON text; ignored")
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        future = self._pending.get(envelope_id) if isinstance(envelope_id, str) else None
        if future is not None and not future.done():
            future.set_result(message)

    async def wait_connected(self, timeout: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def send(self, envelope_type: str, payload: dict[str, Any], *, timeout: float = 5.0) -> dict[str, Any]:
        """Send one envelope to the newest client and return its ack message."""
        if envelope_type not in ENVELOPE_TYPES:
            raise ValueError(f"envelope_type must be one of {sorted(ENVELOPE_TYPES)}")
        live = [ws for ws in self._sockets if not ws.closed]
        if not live:
            raise ConnectionError("no Socket Mode client is connected")
        envelope_id = str(uuid.uuid4())
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[envelope_id] = future
        try:
            await live[-1].send_json(
                {
                    "envelope_id": envelope_id,
                    "type": envelope_type,
                    "payload": payload,
                    "accepts_response_payload": envelope_type != "events_api",
                    "retry_attempt": 0,
                    "retry_reason": "",
                }
            )
            return await asyncio.wait_for(future, timeout)
        finally:
            self._pending.pop(envelope_id, None)

    async def close_all(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"stand-in stopping")
