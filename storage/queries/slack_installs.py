"""Installations, bot tokens, OAuth states and the token-refresh lease (storage/tables/slack_installs.py).

The sdk's tables hold naive UTC datetimes; every datetime given here is aware and stored as naive UTC,
and every one read back is aware UTC again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, desc, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.tables.slack_installs import SlackBots, SlackInstallations, SlackOAuthStates, SlackTokenLease

# What a refresh changes, on both the bot row and the installation row it came from.
REFRESHED_COLUMNS = ("bot_token", "bot_refresh_token", "bot_token_expires_at")


def naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to an installation column")
    return moment.astimezone(UTC).replace(tzinfo=None)


def aware_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


def _workspace(table, client_id: str, enterprise_id: str | None, team_id: str | None):
    c = table.c
    return and_(c.client_id == client_id, c.enterprise_id == enterprise_id, c.team_id == team_id)


async def _save(session: AsyncSession, table, values: dict[str, Any]) -> None:
    """One row per workspace and installed_at, as the sdk's stores keep them: insert, or update that row."""
    c = table.c
    found = (await session.execute(
        select(c.id).where(_workspace(table, values["client_id"], values.get("enterprise_id"),
                                      values.get("team_id")),
                           c.installed_at == values["installed_at"]).limit(1))).scalar_one_or_none()
    known = {column.name for column in table.c} - {"id"}
    row = {key: value for key, value in values.items() if key in known}
    if found is None:
        await session.execute(table.insert().values(**row))
    else:
        await session.execute(table.update().where(c.id == found).values(**row))


async def save_installation(session: AsyncSession, values: dict[str, Any]) -> None:
    await _save(session, SlackInstallations, values)


async def save_bot(session: AsyncSession, values: dict[str, Any]) -> None:
    await _save(session, SlackBots, values)


async def latest_bot(session: AsyncSession, client_id: str, enterprise_id: str | None,
                     team_id: str | None) -> Mapping[str, Any] | None:
    c = SlackBots.c
    statement = (select(SlackBots)
                 .where(_workspace(SlackBots, client_id, enterprise_id, team_id), c.bot_token.is_not(None))
                 .order_by(desc(c.installed_at), desc(c.id)).limit(1))
    return (await session.execute(statement)).mappings().first()


async def latest_installation(session: AsyncSession, client_id: str, enterprise_id: str | None,
                              team_id: str | None, user_id: str | None = None) -> Mapping[str, Any] | None:
    c = SlackInstallations.c
    where = _workspace(SlackInstallations, client_id, enterprise_id, team_id)
    if user_id is not None:
        where = and_(where, c.user_id == user_id)
    statement = select(SlackInstallations).where(where).order_by(desc(c.installed_at), desc(c.id)).limit(1)
    return (await session.execute(statement)).mappings().first()


async def delete_bots(session: AsyncSession, client_id: str, enterprise_id: str | None, team_id: str | None) -> int:
    result = await session.execute(delete(SlackBots).where(_workspace(SlackBots, client_id, enterprise_id, team_id)))
    return result.rowcount


async def delete_installations(session: AsyncSession, client_id: str, enterprise_id: str | None,
                               team_id: str | None, user_id: str | None = None) -> int:
    where = _workspace(SlackInstallations, client_id, enterprise_id, team_id)
    if user_id is not None:
        where = and_(where, SlackInstallations.c.user_id == user_id)
    return (await session.execute(delete(SlackInstallations).where(where))).rowcount


async def store_refreshed_token(session: AsyncSession, client_id: str, enterprise_id: str | None,
                                team_id: str | None, old_token: str, values: dict[str, Any]) -> int:
    """Replace `old_token` wherever this workspace's rows hold it (bot rows and installation rows)."""
    changes = {key: values[key] for key in REFRESHED_COLUMNS}
    changed = 0
    for table in (SlackBots, SlackInstallations):
        result = await session.execute(
            update(table).where(_workspace(table, client_id, enterprise_id, team_id), table.c.bot_token == old_token)
            .values(**changes))
        changed += result.rowcount
    return changed


async def add_state(session: AsyncSession, state: str, expire_at: datetime) -> None:
    await session.execute(SlackOAuthStates.insert().values(state=state, expire_at=naive_utc(expire_at)))


async def consume_state(session: AsyncSession, state: str, now: datetime) -> bool:
    """Whether `state` was issued, unexpired and not used before; it is used up either way. One
    statement, so two callbacks racing with the same state cannot both succeed."""
    c = SlackOAuthStates.c
    used = await session.execute(
        delete(SlackOAuthStates).where(c.state == state, c.expire_at > naive_utc(now)).returning(c.id))
    return used.first() is not None


async def purge_states(session: AsyncSession, now: datetime) -> int:
    c = SlackOAuthStates.c
    return (await session.execute(delete(SlackOAuthStates).where(c.expire_at <= naive_utc(now)))).rowcount


async def claim_lease(session: AsyncSession, workspace: str, holder: str, now: datetime, until: datetime) -> bool:
    """Take the refresh lease of `workspace` unless someone else holds it unexpired."""
    table = SlackTokenLease.__table__
    statement = insert_for(session, table).values(workspace=workspace, holder=holder, leased_until=until)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.workspace],
        set_={"holder": holder, "leased_until": until},
        where=table.c.leased_until <= now,
    ).returning(table.c.holder)
    return (await session.execute(statement)).first() is not None


async def release_lease(session: AsyncSession, workspace: str, holder: str) -> None:
    table = SlackTokenLease.__table__
    await session.execute(delete(table).where(table.c.workspace == workspace, table.c.holder == holder))
