"""Files through the outbox: Slack's external upload flow, in steps that survive a retry.

`files.upload_v2` is Crisp's name for the flow (slack-sdk's one-call helper cannot resume): get an
upload URL, POST the bytes to it, then complete the upload, which shares the file. Once Slack holds
the bytes, their file id is kept (outbox_file.slack_file_id), so a retry only completes. Completing is
the step that shows the file: when an earlier completion may have reached Slack, `files.info` says
whether the file is already shared where it should be, and then it is not shared again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from sqlalchemy import select, update
from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox.delivery import Delivered, GiveUp, Outcome, RetryLater
from storage.db import Database
from storage.tables import OutboxFile, OutboxMessage

UPLOAD = "files.upload_v2"
# A file id Slack no longer knows (the upload expired before it was completed): start over.
EXPIRED = frozenset({"file_not_found", "file_deleted", "invalid_file_id"})
NO_SUCH_PERSON = frozenset({"user_not_found", "user_disabled"})

Call = Callable[[str, dict[str, Any]], Awaitable[Outcome]]


async def deliver(db: Database, client: AsyncWebClient, row: OutboxMessage, payload: dict[str, Any],
                  call: Call) -> Outcome:
    """One attempt at the row's upload. `call(method, args)` is the worker's guarded Web API call."""
    async with db.read() as session:
        stored = (await session.execute(select(OutboxFile).where(OutboxFile.outbox_id == row.id))).scalar_one_or_none()
    if stored is None:
        return GiveUp(error="the file to upload is gone", tell_requester=False)
    channel = payload["channel"]
    if channel.startswith(("U", "W")):
        opened = await call("conversations.open", {"users": channel})
        if not isinstance(opened, Delivered):
            return opened
        channel = ((opened.data.get("channel") or {}).get("id")) or channel
    file_id = stored.slack_file_id
    if file_id is not None and row.maybe_sent:
        shared = await _shared_in(call, file_id, channel)
        if shared is not None:
            return shared
    if file_id is None:
        sent = await _send_bytes(call, client, stored)
        if not isinstance(sent, str):
            return sent
        file_id = sent
        async with db.transaction() as session:
            await session.execute(update(OutboxFile).where(OutboxFile.outbox_id == row.id)
                                  .values(slack_file_id=file_id))
    args: dict[str, Any] = {"files": [{"id": file_id, "title": payload.get("title") or stored.filename}],
                            "channel_id": channel}
    for optional in ("initial_comment", "thread_ts"):
        if payload.get(optional):
            args[optional] = payload[optional]
    completed = await call("files.completeUploadExternal", args)
    if isinstance(completed, GiveUp) and completed.error in EXPIRED:
        await _forget(db, row.id)
        return RetryLater(error=f"upload expired ({completed.error}); uploading again", maybe_sent=False,
                          retry_after=1.0)
    if isinstance(completed, Delivered):
        return Delivered(channel=channel, ts=_share_ts(completed.data.get("files"), channel), data=completed.data)
    return completed


async def _send_bytes(call: Call, client: AsyncWebClient, stored: OutboxFile) -> str | Outcome:
    """Steps one and two: an upload URL, then the bytes. The new file id, or why not."""
    answer = await call("files.getUploadURLExternal", {"filename": stored.filename, "length": len(stored.content)})
    if not isinstance(answer, Delivered):
        return answer
    url, file_id = answer.data.get("upload_url"), answer.data.get("file_id")
    if not isinstance(url, str) or not isinstance(file_id, str):
        return RetryLater(error="files.getUploadURLExternal gave no upload URL", maybe_sent=False)
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=client.timeout)) as http:
            async with http.post(url, data=stored.content,
                                 headers={"Content-Type": "application/octet-stream"}) as response:
                status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
        return RetryLater(error=f"upload: {type(exc).__name__}", maybe_sent=False)
    if status != 200:
        return RetryLater(error=f"upload answered HTTP {status}", maybe_sent=False)
    return file_id


async def _shared_in(call: Call, file_id: str, channel: str) -> Outcome | None:
    """Delivered when the file is shared in `channel` already; None when it is not (or Slack does not
    show an uncompleted file: completing then says whether it expired); else why the answer is unclear."""
    info = await call("files.info", {"file": file_id})
    if isinstance(info, GiveUp):
        return None if info.error in EXPIRED else RetryLater(error=f"files.info: {info.error}", maybe_sent=None)
    if not isinstance(info, Delivered):
        return info
    shown = info.data.get("file") or {}
    places = {*(shown.get("channels") or []), *(shown.get("groups") or []), *(shown.get("ims") or [])}
    if channel in places:
        return Delivered(channel=channel, ts=_share_ts([shown], channel), data=info.data)
    return None


def _share_ts(files: Any, channel: str) -> str | None:
    for shown in files if isinstance(files, list) else []:
        for kind in ("public", "private"):
            shares = ((shown.get("shares") or {}).get(kind) or {}).get(channel) or []
            if shares and isinstance(shares[0], dict) and shares[0].get("ts"):
                return shares[0]["ts"]
    return None


async def _forget(db: Database, row_id: int) -> None:
    async with db.transaction() as session:
        await session.execute(update(OutboxFile).where(OutboxFile.outbox_id == row_id).values(slack_file_id=None))
