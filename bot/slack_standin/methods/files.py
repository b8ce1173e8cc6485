"""The external upload flow: get an upload URL, POST the bytes, complete and share."""

from __future__ import annotations

import mimetypes
from typing import Any

from ..errors import SlackError
from ..state import Workspace
from .base import Context, MethodSpec, optional_int


def get_upload_url(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    filename = args.get("filename")
    if not isinstance(filename, str) or not filename:
        raise SlackError("invalid_arguments", ["[ERROR] missing required field: filename"])
    if args.get("length") in (None, ""):
        raise SlackError("invalid_arguments", ["[ERROR] missing required field: length"])
    length = optional_int(args, "length", 0)
    if length < 1:
        raise SlackError("invalid_arguments", ["[ERROR] must be a positive integer [json-pointer:/length]"])
    file_id = ws.next_id("F")
    ws.files[file_id] = {
        "id": file_id,
        "name": filename,
        "title": filename,
        "length": length,
        "content": None,
        "channel": None,
        "channels": [],
        "thread_ts": None,
        "initial_comment": None,
        "created": int(ws.clock()),
        "completed": False,
        "shares": {},  # channel id -> ts of the message that shared it
    }
    return {"upload_url": f"{ctx.base_url}upload/{file_id}", "file_id": file_id}


def store_upload(ws: Workspace, file_id: str, content: bytes) -> bool:
    """Step 2 of the flow (called by the upload route); False for an unknown file id."""
    record = ws.files.get(file_id)
    if record is None:
        return False
    record["content"] = content
    return True


def complete_upload(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    ws = ctx.ws
    entries = args.get("files")
    if not isinstance(entries, list) or not entries:
        raise SlackError("invalid_arguments", ["[ERROR] must provide an array [json-pointer:/files]"])
    records = []
    for entry in entries:
        file_id = entry.get("id") if isinstance(entry, dict) else None
        record = ws.files.get(file_id) if isinstance(file_id, str) else None
        if record is None or record["content"] is None:
            raise SlackError("file_not_found")
        records.append((record, entry))
    targets = [c for c in str(args.get("channels") or "").split(",") if c]
    if args.get("channel_id"):
        targets.insert(0, args["channel_id"])
    channels = []
    for target in targets:
        channel = ws.resolve_channel(target, auto_create=True)
        ws.require_postable(channel)
        channels.append(channel)
    thread_ts = args.get("thread_ts") or None
    comment = args.get("initial_comment") or ""
    for record, entry in records:
        if entry.get("title"):
            record["title"] = entry["title"]
        record.update(completed=True, thread_ts=thread_ts, initial_comment=comment or None)
        record["channels"] = [c.id for c in channels]
        record["channel"] = channels[0].id if channels else None
    shown = [_file_object(ws, record) for record, _ in records]
    for channel in channels:
        fields: dict[str, Any] = {"text": comment, "blocks": [], "files": shown, "upload": True}
        if thread_ts:
            fields["thread_ts"] = thread_ts
        message = ws.store_message(channel, fields)
        for record, _ in records:
            record["shares"][channel.id] = message["ts"]
    return {"files": [_file_object(ws, record) for record, _ in records]}


def file_info(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    file_id = args.get("file")
    record = ctx.ws.files.get(file_id) if isinstance(file_id, str) else None
    if record is None or not record["completed"]:
        raise SlackError("file_not_found")
    return {"file": _file_object(ctx.ws, record)}


def _file_object(ws: Workspace, record: dict[str, Any]) -> dict[str, Any]:
    mimetype = mimetypes.guess_type(record["name"])[0] or "application/octet-stream"
    extension = record["name"].rsplit(".", 1)[-1].lower() if "." in record["name"] else "binary"
    url = f"https://files.slack.com/files-pri/{ws.identity.team_id}-{record['id']}/{record['name']}"
    return {
        "id": record["id"],
        "created": record["created"],
        "timestamp": record["created"],
        "name": record["name"],
        "title": record["title"],
        "mimetype": mimetype,
        "filetype": extension,
        "user": ws.identity.bot_user_id,
        "size": len(record["content"] or b""),
        "url_private": url,
        "permalink": f"https://{ws.team_domain}.slack.com/files/{ws.identity.bot_user_id}/{record['id']}/{record['name']}",
        "channels": [c for c in record["channels"] if c.startswith("C")],
        "groups": [c for c in record["channels"] if c.startswith("G")],
        "ims": [c for c in record["channels"] if c.startswith("D")],
        "shares": _shares(ws, record),
    }


def _shares(ws: Workspace, record: dict[str, Any]) -> dict[str, Any]:
    """Slack's `shares`: public/private -> channel id -> [{"ts": …}] (DMs count as private)."""
    shares: dict[str, dict[str, list[dict[str, str]]]] = {}
    for channel_id, ts in record["shares"].items():
        channel = ws.channels.get(channel_id)
        kind = "public" if channel is not None and not channel.is_private and not channel.is_im else "private"
        shares.setdefault(kind, {})[channel_id] = [{"ts": ts}]
    return shares


METHODS = {
    "files.getUploadURLExternal": MethodSpec(get_upload_url),
    "files.completeUploadExternal": MethodSpec(complete_upload),
    "files.info": MethodSpec(file_info),
}
