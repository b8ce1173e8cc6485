"""slack-sdk's installation store and OAuth state store interfaces over Crisp's Database.

The sdk's AsyncSQLAlchemy stores would work on `Database.engine`, but beside Crisp's connection rules, not
under them: on SQLite they would write outside the queue of writers (storage/db.py) and so meet SQLite's
lock instead of waiting their turn, and their state check reads and then deletes in two statements, so two
callbacks racing with one state could both pass. These keep the sdk's tables and row semantics (the newest
row per workspace wins; rows are never updated in place except by a token refresh) and add: one
transaction per save, the state used up by one DELETE … RETURNING, Crisp's clock for expiry, and a
callback after every change, so cached tokens are dropped at once in this process.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.clock import Clock
from storage.db import Database
from storage.queries import slack_installs as rows
from storage.queries.slack_installs import aware_utc, naive_utc

log = logging.getLogger("crisp.install")

Changed = Callable[[str | None, str | None], None]  # (enterprise_id, team_id)


def _row_values(client_id: str, values: dict) -> dict:
    values = dict(values, client_id=client_id)
    for key in ("installed_at", "bot_token_expires_at", "user_token_expires_at"):
        if key in values:
            values[key] = naive_utc(values[key])
    return values


def _epoch(naive: datetime | None) -> int | None:
    """The sdk's models keep expiry as epoch seconds; the tables hold naive UTC."""
    return None if naive is None else int(aware_utc(naive).timestamp())


def bot_from_row(row) -> Bot:
    bot = SQLAlchemyInstallationStore.build_bot_entity(
        {**row, "bot_token_expires_at": _epoch(row["bot_token_expires_at"]),
         "installed_at": aware_utc(row["installed_at"]).timestamp()})
    return bot


def installation_from_row(row) -> Installation:
    return SQLAlchemyInstallationStore.build_installation_entity(
        {**row, "bot_token_expires_at": _epoch(row["bot_token_expires_at"]),
         "user_token_expires_at": _epoch(row["user_token_expires_at"]),
         "installed_at": aware_utc(row["installed_at"]).timestamp()})


class CrispInstallationStore(AsyncInstallationStore):
    def __init__(self, db: Database, client_id: str, *, on_change: Changed = lambda enterprise, team: None):
        self.db = db
        self.client_id = client_id
        self.on_change = on_change

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        async with self.db.transaction() as session:
            await rows.save_installation(session, _row_values(self.client_id, installation.to_dict()))
            await rows.save_bot(session, _row_values(self.client_id, installation.to_bot().to_dict()))
        self.on_change(installation.enterprise_id, installation.team_id)

    async def async_save_bot(self, bot: Bot) -> None:
        async with self.db.transaction() as session:
            await rows.save_bot(session, _row_values(self.client_id, bot.to_dict()))
        self.on_change(bot.enterprise_id, bot.team_id)

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        if is_enterprise_install or team_id is None:
            team_id = None
        async with self.db.read() as session:
            row = await rows.latest_bot(session, self.client_id, enterprise_id, team_id)
        return None if row is None else bot_from_row(row)

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False) -> Installation | None:
        if is_enterprise_install or team_id is None:
            team_id = None
        async with self.db.read() as session:
            row = await rows.latest_installation(session, self.client_id, enterprise_id, team_id, user_id)
            bot = await rows.latest_bot(session, self.client_id, enterprise_id, team_id) if row is not None else None
        if row is None:
            return None
        installation = installation_from_row(row)
        if bot is not None and bot["bot_token"] != installation.bot_token:
            # The newest bot token wins (the sdk does the same, bolt-python#664).
            latest = bot_from_row(bot)
            for name in ("bot_id", "bot_user_id", "bot_token", "bot_scopes", "bot_refresh_token",
                         "bot_token_expires_at"):
                setattr(installation, name, getattr(latest, name))
        return installation

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        async with self.db.transaction() as session:
            await rows.delete_bots(session, self.client_id, enterprise_id, team_id)
        self.on_change(enterprise_id, team_id)

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None) -> None:
        async with self.db.transaction() as session:
            await rows.delete_installations(session, self.client_id, enterprise_id, team_id, user_id)
        self.on_change(enterprise_id, team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Bot rows and installation rows in one transaction: no moment where one still holds a token."""
        async with self.db.transaction() as session:
            await rows.delete_bots(session, self.client_id, enterprise_id, team_id)
            await rows.delete_installations(session, self.client_id, enterprise_id, team_id)
        self.on_change(enterprise_id, team_id)


class CrispOAuthStateStore(AsyncOAuthStateStore):
    """A state is a random value valid `expiration_seconds`, used up by its first callback."""

    def __init__(self, db: Database, clock: Clock, *, expiration_seconds: int = 600):
        self.db = db
        self.clock = clock
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args, **kwargs) -> str:
        state = uuid.uuid4().hex + uuid.uuid4().hex
        now = self.clock.now()
        async with self.db.transaction() as session:
            await rows.purge_states(session, now)
            await rows.add_state(session, state, now + timedelta(seconds=self.expiration_seconds))
        return state

    async def async_consume(self, state: str) -> bool:
        if not state or len(state) > 200:
            return False
        async with self.db.transaction() as session:
            return await rows.consume_state(session, state, self.clock.now())
