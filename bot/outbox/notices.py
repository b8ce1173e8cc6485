"""When a call fails for good, the person who caused it gets a direct message saying what to do."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.enqueue import new_row
from bot.views.delivery import error_code, failure_notice
from storage.queries import outbox as outbox_rows
from storage.tables import OutboxMessage


async def tell_requester(session: AsyncSession, row: OutboxMessage, error: str, now: datetime, *,
                         gave_up: bool = False) -> OutboxMessage | None:
    """Store the notice in the transaction that marks `row` failed. At most one a day per person,
    conversation and error, so a broken channel does not flood anyone; the notice itself names no
    requester, so its own failure is never reported."""
    if row.requested_by is None:
        return None
    payload = row.payload or {}
    conversation = payload.get("channel") or payload.get("channel_id")
    text = payload.get("text") if isinstance(payload.get("text"), str) else None
    notice = failure_notice(conversation, error, gave_up=gave_up, original_text=text)
    code = "gave_up" if gave_up else error_code(error)
    dedupe_key = f"notice:{row.team_id}:{row.requested_by}:{conversation}:{code}:{now.date().isoformat()}"[:191]
    return await outbox_rows.insert(session, new_row(
        row.team_id, "chat.postMessage", {"channel": row.requested_by, **notice}, now=now, dedupe_key=dedupe_key))
