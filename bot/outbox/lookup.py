"""The "already posted?" lookup: one bounded page of history per attempt, around the post attempt
whose answer never came.

Slack gives apps outside its Marketplace one conversations.history call a minute and 15 messages a
page, so the lookup never pages through history in one go: it asks one window
(`oldest`/`latest` around the attempt), and when the page is full without the tag it remembers where
it stopped and goes on at the next attempt. Until it has seen the whole window it never concludes
"not there".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.outbox.delivery import row_tag

PAGE_LIMIT = 15
# Slack stamps messages with its own clock: allow for ours being this far off.
CLOCK_SKEW = timedelta(seconds=60)
# Next page no sooner than this: one history call a minute is all some apps get.
NEXT_PAGE_AFTER_SECONDS = 60.0
HISTORY = "conversations.history"
REPLIES = "conversations.replies"


@dataclass(frozen=True)
class Window:
    oldest: datetime    # the post, if Slack made it, is stamped after this...
    latest: datetime    # ...and before this


@dataclass(frozen=True)
class Found:
    ts: str


@dataclass(frozen=True)
class MoreToSee:
    mark: str  # where the next page starts


NOT_THERE = None


def window_around(started: datetime, call_timeout: float) -> Window:
    """The attempt that started at `started` ended (or was given up) within `call_timeout`."""
    return Window(oldest=started - CLOCK_SKEW, latest=started + timedelta(seconds=call_timeout) + CLOCK_SKEW)


def window_since(first_attempt: datetime, now: datetime) -> Window:
    """When the attempt's start was not recorded: everything since the row's first attempt."""
    return Window(oldest=first_attempt - CLOCK_SKEW, latest=now + CLOCK_SKEW)


def method_for(payload: dict[str, Any]) -> str:
    return REPLIES if payload.get("thread_ts") else HISTORY


def page_args(channel: str, payload: dict[str, Any], window: Window, mark: str | None) -> dict[str, Any]:
    """One page of the window. History comes newest first (the mark moves `latest` down); a thread
    comes oldest first (the mark moves `oldest` up)."""
    oldest, latest = _ts(window.oldest), _ts(window.latest)
    if payload.get("thread_ts"):
        return {"channel": channel, "ts": payload["thread_ts"], "oldest": mark or oldest, "latest": latest,
                "limit": PAGE_LIMIT, "include_all_metadata": True}
    return {"channel": channel, "oldest": oldest, "latest": mark or latest, "limit": PAGE_LIMIT,
            "include_all_metadata": True}


def read_page(data: dict[str, Any], tag: str, payload: dict[str, Any]) -> Found | MoreToSee | None:
    messages = [m for m in data.get("messages") or [] if isinstance(m, dict) and m.get("ts")]
    for message in messages:
        if row_tag(message) == tag:
            return Found(ts=message["ts"])
    if not data.get("has_more"):
        return NOT_THERE
    thread_ts = payload.get("thread_ts")
    seen = [m["ts"] for m in messages if m["ts"] != thread_ts] or [m["ts"] for m in messages]
    if not seen:
        raise ValueError("Slack said there is more but sent no messages")
    if thread_ts:
        return MoreToSee(mark=max(seen, key=Decimal))
    return MoreToSee(mark=min(seen, key=Decimal))


def _ts(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"
