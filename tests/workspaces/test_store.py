"""Crisp's installation store writes slack-sdk's own tables: the migrated schema is the sdk's, and the
sdk's own SQLAlchemy store reads what Crisp's wrote (and the other way round)."""

from __future__ import annotations

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import MetaData

from bot.workspaces.store import CrispInstallationStore, CrispOAuthStateStore
from storage.db import Database, create_engine

CLIENT_ID = "1111111111.2222222222"


async def test_the_migrated_tables_are_the_sdks(database_url):
    engine = create_engine(database_url)
    try:
        sdk = MetaData()
        for table in (*AsyncSQLAlchemyInstallationStore(CLIENT_ID, engine).metadata.tables.values(),
                      *AsyncSQLAlchemyOAuthStateStore(600, engine).metadata.tables.values()):
            table.to_metadata(sdk)
        async with engine.connect() as connection:
            differences = await connection.run_sync(lambda sync: compare_metadata(MigrationContext.configure(
                sync, opts={"compare_type": True,
                            "include_name": lambda name, kind, _: kind != "table" or name in sdk.tables}), sdk))
        assert sorted(sdk.tables) == ["slack_bots", "slack_installations", "slack_oauth_states"]
        assert differences == []
    finally:
        await engine.dispose()


def installation(team_id: str, token: str, installed_at: float) -> Installation:
    return Installation(app_id="A0CRISP", team_id=team_id, team_name="Alpha", bot_token=token, bot_id="B1",
                        bot_user_id="U1", bot_scopes="commands,chat:write", bot_refresh_token="xoxe-1-r",
                        bot_token_expires_at=int(installed_at) + 43200, user_id="U0INSTALLER",
                        installed_at=installed_at)


async def test_the_sdks_store_and_crisps_read_each_others_rows(database_url, clock):
    db = Database(database_url)
    sdk = AsyncSQLAlchemyInstallationStore(CLIENT_ID, db.engine)
    crisp = CrispInstallationStore(db, CLIENT_ID)
    now = clock.now().timestamp()
    try:
        await crisp.async_save(installation("T0A", "xoxb-crisp", now))
        await sdk.async_save(installation("T0B", "xoxb-sdk", now))
        by_sdk = await sdk.async_find_bot(enterprise_id=None, team_id="T0A")
        by_crisp = await crisp.async_find_installation(enterprise_id=None, team_id="T0B")
        assert (by_sdk.bot_token, by_sdk.bot_token_expires_at) == ("xoxb-crisp", int(now) + 43200)
        assert (by_crisp.bot_token, by_crisp.bot_scopes, by_crisp.user_id) == (
            "xoxb-sdk", ["commands", "chat:write"], "U0INSTALLER")
        await crisp.async_delete_all(enterprise_id=None, team_id="T0B")
        assert await sdk.async_find_installation(enterprise_id=None, team_id="T0B") is None
        assert await sdk.async_find_bot(enterprise_id=None, team_id="T0B") is None
    finally:
        await db.dispose()


async def test_a_state_is_good_once_and_only_until_it_expires(database_url, clock):
    db = Database(database_url)
    states = CrispOAuthStateStore(db, clock, expiration_seconds=600)
    try:
        used, late = await states.async_issue(), await states.async_issue()
        assert await states.async_consume(used) and not await states.async_consume(used)
        clock.advance(timedelta(seconds=601).total_seconds())
        assert not await states.async_consume(late)
        assert not await states.async_consume("") and not await states.async_consume("x" * 500)
    finally:
        await db.dispose()
