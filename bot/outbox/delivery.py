"""One outbox row against Slack's Web API: make the call and say what happened."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

# Slack answers these when the fault is on its side: the same call may succeed later.
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout",
                              "ratelimited", "team_added_to_org"})
METADATA_KEY = "crisp_outbox_id"
DEFAULT_EVENT_TYPE = "crisp_message"
HISTORY_PAGES = 10


@dataclass(frozen=True)
class Delivered:
    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class RetryLater:
    error: str
    maybe_sent: bool             # Slack may have acted on the call even though we got no answer
    retry_after: float | None = None  # set when Slack rate-limited us


@dataclass(frozen=True)
class GiveUp:
    error: str


Outcome = Delivered | RetryLater | GiveUp


class NotInChannel(Exception):
    """The bot must join the channel before it can post there."""


def tag_with_row(payload: dict[str, Any], row_id: int, created_at: datetime) -> dict[str, Any]:
    """Put the row's id into the message metadata so a post can be found again after a crash."""
    metadata = dict(payload.get("metadata") or {})
    event_payload = dict(metadata.get("event_payload") or {})
    event_payload[METADATA_KEY] = f"{row_id}:{int(created_at.timestamp())}"
    metadata["event_type"] = metadata.get("event_type") or DEFAULT_EVENT_TYPE
    metadata["event_payload"] = event_payload
    return {**payload, "metadata": metadata}


def _row_tag(payload: dict[str, Any]) -> str | None:
    return ((payload.get("metadata") or {}).get("event_payload") or {}).get(METADATA_KEY)


async def call(client: AsyncWebClient, method: str, payload: dict[str, Any]) -> Outcome:
    """Make one Web API call; classify the answer."""
    try:
        response = await getattr(client, method.replace(".", "_"))(**payload)
    except SlackApiError as exc:
        return classify_api_error(exc)
    except (aiohttp.ClientError, asyncio.TimeoutError, SlackClientError, OSError) as exc:
        # The request may have reached Slack before the connection broke.
        return RetryLater(error=f"network: {type(exc).__name__}: {exc}"[:300], maybe_sent=True)
    data = response.data if isinstance(response.data, dict) else {}
    return Delivered(channel=data.get("channel"), ts=data.get("ts") or data.get("message_ts"))


def classify_api_error(exc: SlackApiError) -> Outcome:
    response = exc.response
    status = getattr(response, "status_code", 200)
    data = response.data if isinstance(response.data, dict) else {}
    error = data.get("error") or f"http_{status}"
    if status == 429 or error == "ratelimited":
        return RetryLater(error="ratelimited", maybe_sent=False, retry_after=_retry_after(response.headers))
    if status >= 500 or error in TRANSIENT_ERRORS:
        return RetryLater(error=f"{error} (HTTP {status})", maybe_sent=True)
    if error == "not_in_channel":
        raise NotInChannel(error)
    return GiveUp(error=error)


def _retry_after(headers: Any) -> float:
    raw = None
    if headers:
        raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(1.0, float(raw))
    except (TypeError, ValueError):
        return 30.0  # Slack always sends it; if a proxy dropped it, wait like a Tier 1 method


async def find_posted(client: AsyncWebClient, payload: dict[str, Any], since: datetime) -> Delivered | None:
    """Look in the conversation for a message carrying this payload's row tag (see tag_with_row)."""
    tag = _row_tag(payload)
    if tag is None:
        return None
    channel = payload["channel"]
    if channel.startswith(("U", "W")):
        opened = await client.conversations_open(users=channel)
        channel = opened["channel"]["id"]
    oldest = f"{since.timestamp() - 60:.6f}"
    cursor = None
    for _ in range(HISTORY_PAGES):
        if payload.get("thread_ts"):
            page = await client.conversations_replies(channel=channel, ts=payload["thread_ts"], oldest=oldest,
                                                      limit=200, include_all_metadata=True, cursor=cursor)
        else:
            page = await client.conversations_history(channel=channel, oldest=oldest, limit=200,
                                                      include_all_metadata=True, cursor=cursor)
        for message in page.get("messages", []):
            if _row_tag(message) == tag:
                return Delivered(channel=channel, ts=message.get("ts"))
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            return None
    log.warning("outbox history search gave up after %d pages in %s", HISTORY_PAGES, channel)
    return None
