"""Web API clients on one shared HTTP session, pointed at SLACK_API_URL."""

from __future__ import annotations

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

OUTBOX_TIMEOUT_SECONDS = 15
ACK_PATH_TIMEOUT_SECONDS = 2.5  # views.open must finish inside Slack's 3 s


class SlackClients:
    """Single-workspace today (one bot token); `for_team` is where per-team tokens will plug in."""

    def __init__(self, token: str, base_url: str):
        self.session = aiohttp.ClientSession()
        # The outbox handles retries itself (and must know when a call may have reached Slack),
        # so its client retries nothing on its own.
        self.outbox = AsyncWebClient(token=token, base_url=base_url, session=self.session,
                                     timeout=OUTBOX_TIMEOUT_SECONDS, retry_handlers=[])
        self.bolt = AsyncWebClient(token=token, base_url=base_url, session=self.session,
                                   timeout=ACK_PATH_TIMEOUT_SECONDS, retry_handlers=[])

    def for_team(self, team_id: str) -> AsyncWebClient:
        return self.outbox

    async def close(self) -> None:
        await self.session.close()
