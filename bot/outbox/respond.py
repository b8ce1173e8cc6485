"""Replacing an interactive message through its `response_url`: the only way to redraw an ephemeral
message (a card a button sits on). Stored in the outbox like any Web API call, under the pseudo-method
`response_url`, and sent by the worker with a plain POST of the message JSON to that URL."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.outbox.delivery import Delivered, GiveUp, Outcome, RetryLater

RESPOND = "response_url"
SLACK_HOOKS = "https://hooks.slack.com/"
# Fields of the stored payload that are ours, not part of the message sent to Slack.
OWN_FIELDS = ("response_url", "channel")


def allowed(url: str, api_url: str) -> bool:
    """Slack's own hooks, or the host that plays Slack's Web API (the stand-in in tests and the console):
    a URL from anywhere else is never posted to."""
    if not isinstance(url, str) or len(url) > 500:
        return False
    if url.startswith(SLACK_HOOKS):
        return True
    api, given = urlsplit(api_url), urlsplit(url)
    return api.netloc != "slack.com" and (given.scheme, given.netloc) == (api.scheme, api.netloc) \
        and given.path.startswith("/response/")


async def post(payload: dict[str, Any], timeout: float) -> Outcome:
    body = {key: value for key, value in payload.items() if key not in OWN_FIELDS}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
            async with http.post(payload["response_url"], json=body) as response:
                status, text = response.status, (await response.text())[:200]
                retry_after = response.headers.get("Retry-After")
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
        # Replacing a message twice shows the same thing: trying again is harmless.
        return RetryLater(error=f"network: {type(exc).__name__}: {exc}"[:300], maybe_sent=False)
    if status == 429:
        try:
            wait = max(1.0, float(retry_after or 30))
        except ValueError:
            wait = 30.0
        return RetryLater(error="ratelimited (response_url)", maybe_sent=False, retry_after=wait)
    if status >= 500:
        return RetryLater(error=f"HTTP {status}", maybe_sent=False)
    if status >= 400:
        # Expired (30 minutes, five uses) or refused: the card stays as it was; nobody needs a DM for it.
        return GiveUp(error=text or f"http_{status}", tell_requester=False)
    return Delivered(channel=payload.get("channel"), ts=None)
