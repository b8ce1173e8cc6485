"""Store outbound Slack calls in the caller's transaction; the worker sends them after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import hashlib

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.outbox import respond as responses
from bot.outbox.uploads import UPLOAD
from storage.queries import outbox as outbox_rows
from storage.queries import slack_messages
from storage.tables import OutboxFile, OutboxMessage

log = logging.getLogger(__name__)

# Methods whose lane is the conversation they write to.
CONVERSATION_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete"}


def lane_for(team_id: str, method: str, payload: dict[str, Any]) -> str:
    if method in CONVERSATION_METHODS:
        if not payload.get("channel"):
            raise ValueError(f"{method} needs a channel")
        return f"{team_id}:{payload['channel']}"
    if method == responses.RESPOND:
        # Replacing cards a button sits on: apart from the channel's posts, so no post's pacing delays them.
        return f"{team_id}:respond:{payload.get('channel') or '-'}"
    if method == "views.publish":
        if not payload.get("user_id"):
            raise ValueError("views.publish needs a user_id")
        return f"{team_id}:home:{payload['user_id']}"
    if method.startswith("files.") and (payload.get("channel") or payload.get("channel_id")):
        return f"{team_id}:{payload.get('channel') or payload['channel_id']}"
    return f"{team_id}:{method}"


# A message key must leave room for the "update:<team>:" prefix of its edits' replace_key (191).
MESSAGE_KEY_LIMIT = 150


def check_key(key: str) -> str:
    if not key or len(key) > MESSAGE_KEY_LIMIT:
        raise ValueError(f"a message key must be 1 to {MESSAGE_KEY_LIMIT} characters, got {key!r}")
    return key


def new_row(team_id: str, method: str, payload: dict[str, Any], *, now: datetime, ref_key: str | None = None,
            ref_field: str | None = None, replace_key: str | None = None, dedupe_key: str | None = None,
            message_key: str | None = None, requested_by: str | None = None) -> OutboxMessage:
    return OutboxMessage(
        team_id=team_id,
        method=method,
        lane=lane_for(team_id, method, payload),
        payload=payload,
        next_attempt_at=now,
        created_at=now,
        ref_key=ref_key,
        ref_field=ref_field if ref_key is not None else None,
        replace_key=replace_key,
        dedupe_key=dedupe_key,
        message_key=message_key,
        requested_by=requested_by,
    )


class Outbox:
    """Writes outbox rows. Every outbound Slack call goes through here, never straight to Slack.

    `requested_by` is the Slack user whose action caused the call: if Slack refuses it for good,
    that person gets a direct message saying what to do."""

    def __init__(self, clock: Clock, *, api_url: str = "https://slack.com/api/"):
        self.clock = clock
        self.api_url = api_url  # response URLs are accepted from Slack's hooks, or from this host
        self._wake_listeners: list[Callable[[], None]] = []

    def on_commit(self, listener: Callable[[], None]) -> None:
        """`listener` runs after any transaction that stored a row commits (the worker's wake-up)."""
        self._wake_listeners.append(listener)

    async def call(
        self,
        session: AsyncSession,
        team_id: str,
        method: str,
        payload: dict[str, Any],
        *,
        ref_key: str | None = None,
        ref_field: str | None = None,
        replace_key: str | None = None,
        dedupe_key: str | None = None,
        message_key: str | None = None,
        requested_by: str | None = None,
    ) -> OutboxMessage | None:
        row = new_row(team_id, method, payload, now=self.clock.now(), ref_key=ref_key, ref_field=ref_field,
                      replace_key=replace_key, dedupe_key=dedupe_key, message_key=message_key,
                      requested_by=requested_by)
        stored = await outbox_rows.insert(session, row)
        self._wake_after_commit(session)
        return stored

    async def post(self, session: AsyncSession, team_id: str, channel: str, message: dict[str, Any], *,
                   key: str | None = None, thread_of: str | None = None, dedupe_key: str | None = None,
                   requested_by: str | None = None) -> OutboxMessage | None:
        """A message to a channel, or to a user's DM when `channel` is a user ID.

        `key` names the message for good (e.g. "project:12:created"): later updates and thread replies
        refer to it by that key, weeks after this row is purged. A key is posted once; posting it again
        stores nothing (returns None). `thread_of` is the key of the message to reply under."""
        if key is not None and await slack_messages.get(session, team_id, check_key(key)) is not None:
            return None
        payload = {"channel": channel, **message}
        return await self.call(session, team_id, "chat.postMessage", payload, message_key=key,
                               ref_key=check_key(thread_of) if thread_of is not None else None,
                               ref_field="thread_ts", dedupe_key=dedupe_key, requested_by=requested_by)

    async def update(self, session: AsyncSession, team_id: str, key: str, message: dict[str, Any], *,
                     requested_by: str | None = None) -> OutboxMessage | None:
        """Edit the message posted under `key`; only the newest pending edit is sent. It waits while
        the post is still pending. None when no message has that key."""
        channel = await outbox_rows.post_channel(session, team_id, check_key(key))
        if channel is None:
            posted = await slack_messages.get(session, team_id, key)
            if posted is None:
                log.warning("no message with key %s to edit in team %s", key, team_id)
                return None
            channel = posted.channel
        payload = {"channel": channel, **message}
        return await self.call(session, team_id, "chat.update", payload, ref_key=key, ref_field="ts",
                               replace_key=f"update:{team_id}:{key}", requested_by=requested_by)

    async def upload(self, session: AsyncSession, team_id: str, channel: str, *, filename: str, content: bytes,
                     title: str | None = None, initial_comment: str | None = None, thread_ts: str | None = None,
                     dedupe_key: str | None = None, requested_by: str | None = None) -> OutboxMessage | None:
        """Share a file in a channel, or in a person's DM when `channel` is a user ID (Slack's files
        upload v2 flow, made by the worker). The bytes are stored with the row."""
        if not content:
            raise ValueError("an upload needs some content")
        payload: dict[str, Any] = {"channel": channel, "filename": filename, "title": title or filename}
        if initial_comment:
            payload["initial_comment"] = initial_comment
        if thread_ts:
            payload["thread_ts"] = thread_ts
        row = await self.call(session, team_id, UPLOAD, payload, dedupe_key=dedupe_key, requested_by=requested_by)
        if row is not None:
            session.add(OutboxFile(outbox_id=row.id, filename=filename, content=content))
            await session.flush()
        return row

    async def ephemeral(self, session: AsyncSession, team_id: str, channel: str, user: str,
                        message: dict[str, Any], *, dedupe_key: str | None = None,
                        requested_by: str | None = None) -> OutboxMessage | None:
        return await self.call(session, team_id, "chat.postEphemeral", {"channel": channel, "user": user, **message},
                               dedupe_key=dedupe_key, requested_by=requested_by)

    async def publish_home(self, session: AsyncSession, team_id: str, user_id: str,
                           view: dict[str, Any], *, requested_by: str | None = None) -> OutboxMessage | None:
        return await self.call(session, team_id, "views.publish", {"user_id": user_id, "view": view},
                               replace_key=f"home:{team_id}:{user_id}", requested_by=requested_by)

    def may_respond(self, response_url: str | None) -> bool:
        return bool(response_url) and responses.allowed(response_url, self.api_url)

    async def respond(self, session: AsyncSession, team_id: str, channel: str, response_url: str,
                      message: dict[str, Any], *, requested_by: str | None = None) -> OutboxMessage | None:
        """Replace the (ephemeral) message an interaction came from, through its response_url; only the
        newest pending replacement of one message is sent."""
        if not self.may_respond(response_url):
            raise ValueError("not a response URL Crisp posts to")
        payload = {"response_url": response_url, "channel": channel, "replace_original": True, **message}
        digest = hashlib.sha256(response_url.encode()).hexdigest()[:32]
        return await self.call(session, team_id, responses.RESPOND, payload, replace_key=f"respond:{team_id}:{digest}",
                               requested_by=requested_by)

    def _wake_after_commit(self, session: AsyncSession) -> None:
        sync_session = session.sync_session
        if sync_session.info.get("outbox_wake_registered"):
            return
        sync_session.info["outbox_wake_registered"] = True

        def wake(_session) -> None:
            sync_session.info.pop("outbox_wake_registered", None)
            for listener in self._wake_listeners:
                listener()

        event.listen(sync_session, "after_commit", wake, once=True)
