"""The audit log: append, and read a project's entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import AuditEntry


async def record(session: AsyncSession, *, team_id: str, project_id: int | None, actor_id: str, action: str,
                 now: datetime, **detail: Any) -> AuditEntry:
    entry = AuditEntry(team_id=team_id, project_id=project_id, actor_id=actor_id, action=action,
                       detail=detail, created_at=now)
    session.add(entry)
    return entry


async def for_project(session: AsyncSession, project_id: int) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.project_id == project_id).order_by(AuditEntry.id)
    return list((await session.execute(statement)).scalars())
