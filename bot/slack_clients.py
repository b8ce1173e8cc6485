"""Web API clients pointed at SLACK_API_URL, each on a pooled HTTP session of its own."""

from __future__ import annotations

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

OUTBOX_TIMEOUT_SECONDS = 15.0
ACK_PATH_TIMEOUT_SECONDS = 2.5  # views.open must finish inside Slack's 3 s


class SlackClients:
    """Single-workspace today (one bot token); `for_team` is where per-team tokens will plug in."""

    def __init__(self, token: str, base_url: str, *, outbox_timeout: float = OUTBOX_TIMEOUT_SECONDS):
        # slack-sdk ignores its own `timeout` when given a session, so each session carries its limit.
        self._outbox_session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=outbox_timeout))
        self._ack_session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=ACK_PATH_TIMEOUT_SECONDS))
        # The outbox handles retries itself (and must know when a call may have reached Slack),
        # so neither client retries anything on its own.
        self.outbox = AsyncWebClient(token=token, base_url=base_url, session=self._outbox_session,
                                     timeout=int(outbox_timeout) or 1, retry_handlers=[])
        self.bolt = AsyncWebClient(token=token, base_url=base_url, session=self._ack_session,
                                   timeout=int(ACK_PATH_TIMEOUT_SECONDS), retry_handlers=[])

    def for_team(self, team_id: str) -> AsyncWebClient:
        return self.outbox

    async def close(self) -> None:
        await self._outbox_session.close()
        await self._ack_session.close()
