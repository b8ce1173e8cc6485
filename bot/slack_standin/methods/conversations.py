"""conversations.* methods: DMs, channel info, joining and reading history."""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import SlackError
from ..state import Channel, Workspace, api_message
from .base import Context, MethodSpec, optional_int, truthy

_CURSOR_PREFIX = "next_ts:"
MAX_HISTORY_LIMIT = 999


def open_conversation(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    users = _user_list(args.get("users"))
    if not users:
        existing = args.get("channel")
        if isinstance(existing, str) and existing in ws.channels:
            return _opened(ws, ws.channels[existing], True, args)
        raise SlackError("users_list_not_supplied")
    for user in users:
        if user not in ws.users:
            raise SlackError("user_not_found")
    others = [u for u in users if u != ws.identity.bot_user_id] or users
    expected_id = f"D{others[0]}" if len(others) == 1 else None
    already = expected_id in ws.channels if expected_id else False
    channel = ws.dm_for(others[0]) if len(others) == 1 else ws.mpim_for(others)
    return _opened(ws, channel, already, args)


def _opened(ws: Workspace, channel: Channel, already: bool, args: dict[str, Any]) -> dict[str, Any]:
    shown = ws.channel_info(channel) if truthy(args.get("return_im")) else {"id": channel.id}
    answer: dict[str, Any] = {"channel": shown}
    if already:
        answer.update(no_op=True, already_open=True)
    return answer


def _user_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(u).strip() for u in value if str(u).strip()]
    if isinstance(value, str):
        return [u.strip() for u in value.split(",") if u.strip()]
    return []


def _visible_channel(ws: Workspace, value: Any) -> Channel:
    """A conversation the bot can see: private ones it is not in do not exist for it."""
    channel = ws.channels.get(value) if isinstance(value, str) else None
    if channel is None or (channel.is_private and not channel.is_member):
        raise SlackError("channel_not_found")
    return channel


def info(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    channel = _visible_channel(ctx.ws, args.get("channel"))
    return {"channel": ctx.ws.channel_info(channel)}


def join(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    channel = ws.resolve_channel(args.get("channel"), auto_create=True)
    if channel.is_private or channel.is_im or channel.is_mpim:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    answer: dict[str, Any] = {}
    if channel.is_member:
        answer["warning"] = "already_in_channel"
        answer["response_metadata"] = {"warnings": ["already_in_channel"]}
    channel.is_member = True
    return {"channel": ws.channel_info(channel), **answer}


def history(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    channel = _visible_channel(ws, args.get("channel"))
    if not channel.is_member:
        raise SlackError("not_in_channel")
    limit = optional_int(args, "limit", 100)
    limit = 100 if limit < 1 else min(limit, MAX_HISTORY_LIMIT)
    oldest = _ts_arg(args.get("oldest"), Decimal(0), "invalid_ts_oldest")
    latest = _ts_arg(args.get("latest"), None, "invalid_ts_latest")
    inclusive = truthy(args.get("inclusive"))
    before = _cursor_ts(args.get("cursor"))
    with_metadata = truthy(args.get("include_all_metadata"))

    def wanted(message: dict[str, Any]) -> bool:
        ts = Decimal(message["ts"])
        is_reply = message.get("thread_ts") not in (None, message["ts"]) and not message.get("reply_broadcast")
        above = ts >= oldest if inclusive else ts > oldest
        below = latest is None or (ts <= latest if inclusive else ts < latest)
        return not is_reply and above and below and (before is None or ts < before)

    found = sorted(
        (m for m in ws.messages.get(channel.id, []) if wanted(m)), key=lambda m: Decimal(m["ts"]), reverse=True
    )
    page = found[:limit]
    answer: dict[str, Any] = {
        "messages": [api_message(m, with_metadata=with_metadata) for m in page],
        "has_more": len(found) > limit,
        "pin_count": 0,
    }
    if answer["has_more"]:
        cursor = base64.b64encode(f"{_CURSOR_PREFIX}{page[-1]['ts']}".encode()).decode()
        answer["response_metadata"] = {"next_cursor": cursor}
    return answer


def replies(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """A thread, parent first then replies oldest first, as Slack answers it."""
    ws = ctx.ws
    channel = _visible_channel(ws, args.get("channel"))
    if not channel.is_member:
        raise SlackError("not_in_channel")
    parent_ts = _ts_arg(args.get("ts"), None, "thread_not_found")
    if parent_ts is None:
        raise SlackError("invalid_arguments")
    limit = optional_int(args, "limit", 100)
    limit = 100 if limit < 1 else min(limit, MAX_HISTORY_LIMIT)
    oldest = _ts_arg(args.get("oldest"), Decimal(0), "invalid_ts_oldest")
    latest = _ts_arg(args.get("latest"), None, "invalid_ts_latest")
    after = _cursor_ts(args.get("cursor"))
    with_metadata = truthy(args.get("include_all_metadata"))
    thread = [m for m in ws.messages.get(channel.id, [])
              if Decimal(m["ts"]) == parent_ts or Decimal(str(m.get("thread_ts") or -1)) == parent_ts]
    if not any(Decimal(m["ts"]) == parent_ts for m in thread):
        raise SlackError("thread_not_found")

    def wanted(message: dict[str, Any]) -> bool:
        ts = Decimal(message["ts"])
        if ts == parent_ts:
            return after is None  # the first page always starts with the parent
        return ts > oldest and (latest is None or ts < latest) and (after is None or ts > after)

    found = sorted((m for m in thread if wanted(m)), key=lambda m: Decimal(m["ts"]))
    page = found[:limit]
    answer: dict[str, Any] = {
        "messages": [api_message(m, with_metadata=with_metadata) for m in page],
        "has_more": len(found) > limit,
    }
    if answer["has_more"]:
        cursor = base64.b64encode(f"{_CURSOR_PREFIX}{page[-1]['ts']}".encode()).decode()
        answer["response_metadata"] = {"next_cursor": cursor}
    return answer


def _ts_arg(value: Any, default: Decimal | None, error: str) -> Decimal | None:
    if value is None or value == "":
        return default
    try:
        ts = Decimal(str(value))
    except InvalidOperation:
        raise SlackError(error) from None
    if not ts.is_finite():
        raise SlackError(error)
    return ts


def _cursor_ts(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        decoded = base64.b64decode(str(value), validate=True).decode()
        if not decoded.startswith(_CURSOR_PREFIX):
            raise ValueError(decoded)
        ts = Decimal(decoded.removeprefix(_CURSOR_PREFIX))
        if not ts.is_finite():
            raise ValueError(decoded)
        return ts
    except (binascii.Error, UnicodeDecodeError, ValueError, InvalidOperation):
        raise SlackError("invalid_cursor") from None


METHODS = {
    "conversations.open": MethodSpec(open_conversation),
    "conversations.info": MethodSpec(info),
    "conversations.join": MethodSpec(join),
    "conversations.history": MethodSpec(history),
    "conversations.replies": MethodSpec(replies),
}
