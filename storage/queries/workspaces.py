"""Workspaces: their install state, alert settings; parking and re-queueing a workspace's outbox rows;
purging a workspace's data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from storage.queries.upsert import insert_for
from storage.tables import OutboxMessage, OutboxStatus, Workspace, WorkspaceState


async def get(session: AsyncSession, team_id: str, *, lock: bool = False) -> Workspace | None:
    statement = select(Workspace).where(Workspace.team_id == team_id).execution_options(populate_existing=True)
    if lock and session.bind.dialect.name == "postgresql":
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalars().first()


async def ensure(session: AsyncSession, team_id: str, *, enterprise_id: str | None, now: datetime) -> Workspace:
    """The workspace's row, made (installed) when it has none yet; locked on PostgreSQL."""
    await session.execute(insert_for(session, Workspace.__table__)
                          .values(team_id=team_id, enterprise_id=enterprise_id, state=WorkspaceState.INSTALLED,
                                  installed_at=now)
                          .on_conflict_do_nothing(index_elements=["team_id"]))
    return await get(session, team_id, lock=True)


def installed(team_column):
    """A WHERE clause for sweeps: the row's workspace is installed (one with no workspace row is: single-
    workspace mode records none before start-up's auth.test). An uninstalled workspace's rows wait, their
    claims unmoved, and are taken up again after a reinstall."""
    return ~exists().where(Workspace.team_id == team_column, Workspace.state != WorkspaceState.INSTALLED)


async def not_installed(session: AsyncSession) -> dict[str, str]:
    """Team id -> state of every workspace that is uninstalled or purged (few; read for the request gate)."""
    rows = await session.execute(select(Workspace.team_id, Workspace.state)
                                 .where(Workspace.state != WorkspaceState.INSTALLED))
    return {team_id: state for team_id, state in rows.all()}


async def by_alert_token_hash(session: AsyncSession, token_hash: str) -> Workspace | None:
    statement = select(Workspace).where(Workspace.alert_token_hash == token_hash)
    return (await session.execute(statement)).scalars().first()


async def uninstalled_before(session: AsyncSession, cutoff: datetime) -> list[Workspace]:
    statement = (select(Workspace).where(Workspace.state == WorkspaceState.UNINSTALLED,
                                         Workspace.uninstalled_at < cutoff).order_by(Workspace.uninstalled_at))
    return list((await session.execute(statement)).scalars())


# -- the workspace's outbox rows -------------------------------------------------------------------------

async def park_pending(session: AsyncSession, team_id: str) -> int:
    """Pending rows of the workspace stop: neither sent nor lost. Rows in flight park when their call finds
    the token gone."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.team_id == team_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.PARKED, last_error="workspace uninstalled")
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


async def unpark(session: AsyncSession, team_id: str, *, created_since: datetime, now: datetime) -> tuple[int, int]:
    """At a reinstall: parked rows made since `created_since` go again (now, in their old order); older
    ones are dropped (superseded). Returns (re-queued, dropped)."""
    parked = (OutboxMessage.team_id == team_id, OutboxMessage.status == OutboxStatus.PARKED)
    dropped = await session.execute(
        update(OutboxMessage).where(*parked, OutboxMessage.created_at < created_since)
        .values(status=OutboxStatus.SUPERSEDED, last_error="parked while uninstalled; too old to send at reinstall")
        .execution_options(synchronize_session=False))
    requeued = await session.execute(
        update(OutboxMessage).where(*parked)
        .values(status=OutboxStatus.PENDING, next_attempt_at=now, lease_owner=None, lease_until=None,
                last_error=None)
        .execution_options(synchronize_session=False))
    return requeued.rowcount or 0, dropped.rowcount or 0


# -- purge ---------------------------------------------------------------------------------------------

async def purge_team(session: AsyncSession, team_id: str) -> dict[str, int]:
    """Delete every row of the workspace's data (each table with a team_id; rows hanging off its projects
    and alert groups go with them by their foreign keys). The workspace row itself stays, marked purged."""
    deleted = {}
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name == Workspace.__tablename__ or "team_id" not in table.c:
            continue
        result = await session.execute(delete(table).where(table.c.team_id == team_id)
                                       .execution_options(synchronize_session=False))
        if result.rowcount:
            deleted[table.name] = result.rowcount
    return deleted
