"""The audit log: append, and read a project's entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import AuditEntry


async def record(session: AsyncSession, *, team_id: str, project_id: int | None, actor_id: str, action: str,
                 now: datetime, **detail: Any) -> AuditEntry:
    entry = AuditEntry(team_id=team_id, project_id=project_id, actor_id=actor_id, action=action,
                       detail=detail, created_at=now)
    session.add(entry)
    return entry


async def record_many(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    """Append many entries in one statement (each a dict of `record`'s arguments, detail included): for a
    sweep's batch, whose entries nobody reads back in that transaction."""
    if entries:
        await session.execute(insert(AuditEntry.__table__), [
            {"team_id": team_id, "project_id": project_id, "actor_id": actor_id, "action": action,
             "detail": detail, "created_at": now}
            for team_id, project_id, actor_id, action, now, detail in (_parts(**entry) for entry in entries)])


def _parts(*, team_id: str, project_id: int | None, actor_id: str, action: str, now: datetime, **detail: Any):
    return team_id, project_id, actor_id, action, now, detail


async def for_project(session: AsyncSession, project_id: int) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.project_id == project_id).order_by(AuditEntry.id)
    return list((await session.execute(statement)).scalars())
