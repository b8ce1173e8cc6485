"""One Slack Web API call for an outbox row: make it and say what happened."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

# Slack answers these when the workspace's token is gone: nothing can be sent for it until a reinstall.
TOKEN_GONE_ERRORS = frozenset({"token_revoked", "account_inactive", "invalid_auth", "not_authed",
                               "team_access_not_granted", "app_uninstalled", "team_disabled"})
# Slack answers these when the fault is on its side: the same call may succeed later.
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout",
                              "ratelimited", "team_added_to_org"})
METADATA_KEY = "crisp_outbox_id"
DEFAULT_EVENT_TYPE = "crisp_message"


@dataclass(frozen=True)
class Delivered:
    channel: str | None
    ts: str | None
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # Slack's whole answer


@dataclass(frozen=True)
class RetryLater:
    error: str
    maybe_sent: bool | None      # the call may have reached Slack; None: the row's flag stands
    retry_after: float | None = None  # go again after this many seconds (instead of backing off)
    limited_method: str | None = None  # Slack answered 429 to this method: it pauses, workspace-wide
    count_attempt: bool = True   # False when nothing was tried that could count towards giving up
    lookup_mark: str | None = None  # an unfinished "already posted?" lookup goes on from here
    unanswered: bool = False     # no answer from Slack itself: it may still be working on the call


@dataclass(frozen=True)
class GiveUp:
    error: str
    tell_requester: bool = True  # the person who caused the call hears about it


@dataclass(frozen=True)
class Parked:
    """The workspace has no usable token (uninstalled, revoked): keep the row, unsent, for a reinstall."""

    error: str


Outcome = Delivered | RetryLater | GiveUp | Parked


class NotInChannel(Exception):
    """The bot must join the channel before it can post there."""


def tag_with_row(payload: dict[str, Any], row_id: int, created_at: datetime) -> dict[str, Any]:
    """Put the row's id into the message metadata so a post can be found again after a crash."""
    metadata = dict(payload.get("metadata") or {})
    event_payload = dict(metadata.get("event_payload") or {})
    event_payload[METADATA_KEY] = row_tag_value(row_id, created_at)
    metadata["event_type"] = metadata.get("event_type") or DEFAULT_EVENT_TYPE
    metadata["event_payload"] = event_payload
    return {**payload, "metadata": metadata}


def row_tag_value(row_id: int, created_at: datetime) -> str:
    return f"{row_id}:{int(created_at.timestamp())}"


def row_tag(message: dict[str, Any]) -> str | None:
    """The tag of a payload, or of a message read back from Slack."""
    return ((message.get("metadata") or {}).get("event_payload") or {}).get(METADATA_KEY)


async def call(client: AsyncWebClient, method: str, payload: dict[str, Any]) -> Outcome:
    """Make one Web API call; classify the answer."""
    if method == "response_url":
        from bot.outbox import respond  # noqa: PLC0415 (respond builds on this module's outcomes)
        return await respond.post(payload, timeout=client.timeout)
    try:
        response = await getattr(client, method.replace(".", "_"))(**payload)
    except SlackApiError as exc:
        return classify_api_error(exc, method)
    except (aiohttp.ClientError, asyncio.TimeoutError, SlackClientError, OSError) as exc:
        # The request may have reached Slack before the connection broke.
        return RetryLater(error=f"network: {type(exc).__name__}: {exc}"[:300], maybe_sent=True, unanswered=True)
    data = response.data if isinstance(response.data, dict) else {}
    channel = data.get("channel")
    return Delivered(channel=channel if isinstance(channel, str) else None,
                     ts=data.get("ts") or data.get("message_ts"), data=data)


def classify_api_error(exc: SlackApiError, method: str) -> Outcome:
    response = exc.response
    status = getattr(response, "status_code", 200)
    data = response.data if isinstance(response.data, dict) else {}
    error = data.get("error") or f"http_{status}"
    if status == 429 or error == "ratelimited":
        return RetryLater(error=f"ratelimited ({method})", maybe_sent=False,
                          retry_after=_retry_after(response.headers), limited_method=method, count_attempt=False)
    if status >= 500 or error in TRANSIENT_ERRORS:
        # A proxy's page instead of Slack's JSON (a 502/504 from a gateway): the call may still be running.
        return RetryLater(error=f"{error} (HTTP {status})", maybe_sent=True,
                          unanswered=not isinstance(response.data, dict))
    if error == "not_in_channel":
        raise NotInChannel(error)
    if error in TOKEN_GONE_ERRORS:
        return Parked(error=error)
    return GiveUp(error=error)


def _retry_after(headers: Any) -> float:
    raw = None
    if headers:
        raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(1.0, float(raw))
    except (TypeError, ValueError):
        return 30.0  # Slack always sends it; if a proxy dropped it, wait like a Tier 1 method
