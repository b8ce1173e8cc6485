"""chat.* methods: posting, editing, ephemeral messages and permalinks."""

from __future__ import annotations

from typing import Any

from .. import blocks as block_kit
from ..errors import SlackError
from ..state import Workspace, api_message
from .base import Context, MethodSpec, required_str, truthy


def read_content(args: dict[str, Any], *, require: bool = True) -> dict[str, Any]:
    """Validated text/blocks/attachments/metadata of a message, as stored fields.

    Only keys present in ``args`` are returned, so chat.update can replace just those.
    """
    fields: dict[str, Any] = {}
    if args.get("text") is not None:
        fields["text"] = str(args["text"])
    raw_blocks = args.get("blocks")
    if raw_blocks is not None and raw_blocks != "":
        if not isinstance(raw_blocks, list):
            raise SlackError("invalid_blocks_format")
        fields["blocks"] = raw_blocks
    attachments = args.get("attachments")
    if attachments not in (None, "", []):
        if not isinstance(attachments, list):
            raise SlackError("invalid_attachments")
        fields["attachments"] = attachments
    if require and not fields.get("text") and not fields.get("blocks") and not fields.get("attachments"):
        raise SlackError("no_text")
    if problems := block_kit.check_message_text(fields.get("text")):
        raise SlackError("msg_too_long", [str(p) for p in problems])
    if problems := block_kit.check_message_blocks(fields.get("blocks", [])):
        raise SlackError("invalid_blocks", [str(p) for p in problems])
    for index, attachment in enumerate(fields.get("attachments", [])):
        # Blocks inside an attachment (a coloured bar beside them) follow the same rules as the message's.
        if not isinstance(attachment, dict):
            raise SlackError("invalid_attachments")
        if "blocks" in attachment and (problems := block_kit.check_message_blocks(
                attachment["blocks"], pointer=f"/attachments/{index}/blocks")):
            raise SlackError("invalid_blocks", [str(p) for p in problems])
    if args.get("metadata") not in (None, ""):
        fields["metadata"] = _metadata(args["metadata"])
    return fields


def _metadata(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SlackError("invalid_metadata_format")
    if not isinstance(value.get("event_type"), str) or not value["event_type"]:
        raise SlackError("invalid_metadata_schema", ["[ERROR] missing required field: event_type [json-pointer:/metadata]"])
    payload = value.get("event_payload", {})
    if not isinstance(payload, dict):
        raise SlackError("invalid_metadata_schema", ["[ERROR] must provide an object [json-pointer:/metadata/event_payload]"])
    return {"event_type": value["event_type"], "event_payload": payload}


def _attach_to_thread(ws: Workspace, channel_id: str, thread_ts: str, reply_ts: str) -> None:
    """Keep the parent's thread summary current, as Slack does."""
    for parent in ws.messages.get(channel_id, []):
        if parent["ts"] == thread_ts:
            parent["thread_ts"] = thread_ts
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            parent["latest_reply"] = reply_ts
            return


def post_message(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    channel = ws.resolve_channel(args.get("channel"), auto_create=True)
    ws.require_postable(channel)
    content = read_content(args)
    fields: dict[str, Any] = {"text": content.pop("text", ""), "blocks": content.pop("blocks", []), **content}
    thread_ts = args.get("thread_ts")
    if isinstance(thread_ts, str) and thread_ts:
        fields["thread_ts"] = thread_ts
        if truthy(args.get("reply_broadcast")):
            fields["reply_broadcast"] = True
    message = ws.store_message(channel, fields)
    if "thread_ts" in fields:
        _attach_to_thread(ws, channel.id, fields["thread_ts"], message["ts"])
    return {"channel": channel.id, "ts": message["ts"], "message": api_message(message)}


def update(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    channel = ws.resolve_channel(args.get("channel"), auto_create=False)
    message = ws.find_message(channel.id, args.get("ts"))
    content = read_content(args, require=False)
    if args.get("blocks") in ("", []):
        content["blocks"] = []  # an explicit empty list removes the blocks
    after = {**message, **content}
    if not any(k in args for k in ("text", "blocks", "attachments")) or not (
        after.get("text") or after.get("blocks") or after.get("attachments")
    ):
        raise SlackError("no_text")
    message.update(content)
    message["edited"] = {"user": ws.identity.bot_user_id, "ts": ws.next_ts()}
    return {"channel": channel.id, "ts": message["ts"], "text": message["text"], "message": api_message(message)}


def post_ephemeral(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    channel = ws.resolve_channel(args.get("channel"), auto_create=True)
    ws.require_postable(channel)
    user = required_str(args, "user", "user_not_found")
    if user not in ws.users:
        raise SlackError("user_not_found")
    content = read_content(args)
    message = {"type": "message", "ts": ws.next_ts(), "channel": channel.id, "user": ws.identity.bot_user_id,
               "text": content.pop("text", ""), "blocks": content.pop("blocks", []), **content}
    if isinstance(args.get("thread_ts"), str) and args["thread_ts"]:
        message["thread_ts"] = args["thread_ts"]
    ws.ephemerals.setdefault((channel.id, user), []).append(message)
    return {"message_ts": message["ts"]}


def get_permalink(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    channel = ws.resolve_channel(args.get("channel"), auto_create=False)
    message = ws.find_message(channel.id, args.get("message_ts"))
    link = f"https://{ws.team_domain}.slack.com/archives/{channel.id}/p{message['ts'].replace('.', '')}"
    thread_ts = message.get("thread_ts")
    if thread_ts and thread_ts != message["ts"]:
        link += f"?thread_ts={thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


METHODS = {
    "chat.postMessage": MethodSpec(post_message),
    "chat.update": MethodSpec(update),
    "chat.postEphemeral": MethodSpec(post_ephemeral),
    "chat.getPermalink": MethodSpec(get_permalink),
}
