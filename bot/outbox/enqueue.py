"""Store outbound Slack calls in the caller's transaction; the worker sends them after commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage.queries import outbox as outbox_rows
from storage.tables import OutboxMessage

# Methods whose lane is the conversation they write to.
CONVERSATION_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete"}


def lane_for(team_id: str, method: str, payload: dict[str, Any]) -> str:
    if method in CONVERSATION_METHODS:
        if not payload.get("channel"):
            raise ValueError(f"{method} needs a channel")
        return f"{team_id}:{payload['channel']}"
    if method == "views.publish":
        if not payload.get("user_id"):
            raise ValueError("views.publish needs a user_id")
        return f"{team_id}:home:{payload['user_id']}"
    if method.startswith("files.") and (payload.get("channel") or payload.get("channel_id")):
        return f"{team_id}:{payload.get('channel') or payload['channel_id']}"
    return f"{team_id}:{method}"


class Outbox:
    """Writes outbox rows. Every outbound Slack call goes through here, never straight to Slack."""

    def __init__(self, clock: Clock):
        self.clock = clock
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
        ref: OutboxMessage | None = None,
        ref_field: str | None = None,
        replace_key: str | None = None,
        dedupe_key: str | None = None,
    ) -> OutboxMessage | None:
        now = self.clock.now()
        row = OutboxMessage(
            team_id=team_id,
            method=method,
            lane=lane_for(team_id, method, payload),
            payload=payload,
            next_attempt_at=now,
            created_at=now,
            ref_id=ref.id if ref is not None else None,
            ref_field=ref_field if ref is not None else None,
            replace_key=replace_key,
            dedupe_key=dedupe_key,
        )
        stored = await outbox_rows.insert(session, row)
        self._wake_after_commit(session)
        return stored

    async def post(self, session: AsyncSession, team_id: str, channel: str, message: dict[str, Any], *,
                   thread_of: OutboxMessage | None = None, dedupe_key: str | None = None) -> OutboxMessage | None:
        """A message to a channel, or to a user's DM when `channel` is a user ID."""
        payload = {"channel": channel, **message}
        return await self.call(session, team_id, "chat.postMessage", payload, ref=thread_of,
                               ref_field="thread_ts" if thread_of is not None else None, dedupe_key=dedupe_key)

    async def update(self, session: AsyncSession, team_id: str, of: OutboxMessage,
                     message: dict[str, Any]) -> OutboxMessage | None:
        """Edit a message posted through the outbox; only the newest pending edit is sent."""
        payload = {"channel": of.payload["channel"], **message}
        return await self.call(session, team_id, "chat.update", payload, ref=of, ref_field="ts",
                               replace_key=f"update:{of.id}")

    async def ephemeral(self, session: AsyncSession, team_id: str, channel: str, user: str,
                        message: dict[str, Any], *, dedupe_key: str | None = None) -> OutboxMessage | None:
        return await self.call(session, team_id, "chat.postEphemeral", {"channel": channel, "user": user, **message},
                               dedupe_key=dedupe_key)

    async def publish_home(self, session: AsyncSession, team_id: str, user_id: str,
                           view: dict[str, Any]) -> OutboxMessage | None:
        return await self.call(session, team_id, "views.publish", {"user_id": user_id, "view": view},
                               replace_key=f"home:{team_id}:{user_id}")

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
