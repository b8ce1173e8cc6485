"""Web API clients pointed at SLACK_API_URL, each on a pooled HTTP session of its own.

The outbox's client is chosen per workspace at send time (`for_team`): the token comes from the
TokenSource (bot/workspaces/tokens.py) and one client is kept per token, all sharing one HTTP session.
"""

from __future__ import annotations

from collections import OrderedDict

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.workspaces.tokens import SingleWorkspaceTokens, TokenSource

OUTBOX_TIMEOUT_SECONDS = 15.0
ACK_PATH_TIMEOUT_SECONDS = 2.5  # views.open must finish inside Slack's 3 s
KEPT_CLIENTS = 4096  # one per token in use; rotated-away tokens fall out


class SlackClients:
    def __init__(self, tokens: TokenSource | str, base_url: str, *, outbox_timeout: float = OUTBOX_TIMEOUT_SECONDS,
                 bolt_token: str | None = None):
        """`tokens` is a TokenSource, or one bot token for whatever team asks (tests, tools). `bolt_token`
        is the token of Bolt's base client (single-workspace mode; OAuth mode authorizes per request)."""
        if isinstance(tokens, str):
            bolt_token = bolt_token or tokens
            tokens = SingleWorkspaceTokens(tokens)
        self.tokens = tokens
        self.base_url = base_url
        self.outbox_timeout = outbox_timeout
        # slack-sdk ignores its own `timeout` when given a session, so each session carries its limit.
        self._outbox_session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=outbox_timeout))
        self._ack_session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=ACK_PATH_TIMEOUT_SECONDS))
        self._clients: OrderedDict[str, AsyncWebClient] = OrderedDict()
        # The outbox handles retries itself (and must know when a call may have reached Slack),
        # so neither client retries anything on its own.
        self.bolt = AsyncWebClient(token=bolt_token, base_url=base_url, session=self._ack_session,
                                   timeout=int(ACK_PATH_TIMEOUT_SECONDS), retry_handlers=[])

    async def for_team(self, team_id: str, enterprise_id: str | None = None) -> AsyncWebClient | None:
        """The outbox's client for this workspace now; None when it has no usable token."""
        token = await self.tokens.bot_token(team_id, enterprise_id)
        if token is None:
            return None
        return self.client_for_token(token)

    def client_for_token(self, token: str) -> AsyncWebClient:
        client = self._clients.get(token)
        if client is None:
            client = AsyncWebClient(token=token, base_url=self.base_url, session=self._outbox_session,
                                    timeout=int(self.outbox_timeout) or 1, retry_handlers=[])
            self._clients[token] = client
            while len(self._clients) > KEPT_CLIENTS:
                self._clients.popitem(last=False)
        else:
            self._clients.move_to_end(token)
        return client

    async def close(self) -> None:
        await self._outbox_session.close()
        await self._ack_session.close()
