"""OAuth mode's TokenSource (bot/workspaces/tokens.py): each workspace's bot token from the installation
store, cached briefly per workspace, and refreshed before use when it expires within the rotation window.

A refresh spends the workspace's refresh token, so exactly one process does it: the one whose claim of the
workspace's row in slack_token_lease succeeds (an INSERT … ON CONFLICT DO UPDATE WHERE the lease ran out,
the same statement on SQLite and PostgreSQL). In the claim's transaction the bot row is read again: when
another process stored a new token meanwhile it is taken as is. The others poll the row until the new
token is there (or, after `wait_seconds`, go on with the old one while it is still valid). The cache is
short (`cache_seconds`); a stored token's expiry is checked on every use, so an expiring token always goes
through the claim, where the newest stored token is read.

Slack's answer to a refresh is the only copy of the new token, and the refresh token it spent is gone. So
the new token is stored at once, and when that fails (database busy or down) it is tried again
(`STORE_RETRY_SECONDS`), then kept in this process's memory and used from there, with the store tried
again in the background every `STORE_AGAIN_SECONDS` until it succeeds, each failure logged at ERROR and
the first at CRITICAL. What remains: a process that dies between Slack's answer and the commit (a few
milliseconds; killed, or out of memory) loses the token; the other processes use the old one until it
expires, then Slack refuses its refresh token and the workspace must reinstall Crisp.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.workspaces.store import CrispInstallationStore
from bot.workspaces.tokens import TokenUnavailable
from storage.queries import slack_installs as rows
from storage.queries.slack_installs import aware_utc, naive_utc

log = logging.getLogger("crisp.install")

# slack-sdk's and Bolt's default (token_rotation_expiration_minutes): refresh when 2 h or less are left.
ROTATION_WINDOW_MINUTES = 120
CACHE_SECONDS = 10.0
LEASE_SECONDS = 30.0
WAIT_FOR_REFRESH_SECONDS = 10.0
POLL_SECONDS = 0.05
# Waits between attempts to store a refreshed token; then it is kept in memory and stored again this often.
STORE_RETRY_SECONDS = (0.2, 1.0, 3.0)
STORE_AGAIN_SECONDS = 30.0


@dataclass(frozen=True)
class InstalledBot:
    team_id: str | None
    enterprise_id: str | None
    token: str
    bot_id: str | None
    bot_user_id: str | None
    refresh_token: str | None
    expires_at: datetime | None

    @classmethod
    def from_row(cls, row) -> InstalledBot:
        return cls(team_id=row["team_id"], enterprise_id=row["enterprise_id"], token=row["bot_token"],
                   bot_id=row["bot_id"], bot_user_id=row["bot_user_id"], refresh_token=row["bot_refresh_token"],
                   expires_at=aware_utc(row["bot_token_expires_at"]))

    def seconds_left(self, now: datetime) -> float | None:
        return None if self.expires_at is None else (self.expires_at - now).total_seconds()


def process_name() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class InstalledTokens:
    def __init__(self, store: CrispInstallationStore, clock: Clock, *, client_secret: str, client: AsyncWebClient,
                 rotation_minutes: int = ROTATION_WINDOW_MINUTES, cache_seconds: float = CACHE_SECONDS,
                 lease_seconds: float = LEASE_SECONDS, wait_seconds: float = WAIT_FOR_REFRESH_SECONDS,
                 store_retry: tuple[float, ...] = STORE_RETRY_SECONDS, store_again: float = STORE_AGAIN_SECONDS):
        self.store = store
        self.db = store.db
        self.clock = clock
        self.client_id = store.client_id
        store.on_change = self.drop_cached
        self._client_secret = client_secret
        self._client = client
        self.window = timedelta(minutes=rotation_minutes)
        self.cache_seconds = cache_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.wait_seconds = wait_seconds
        self.holder = process_name()
        self._cache: dict[tuple[str | None, str | None], tuple[InstalledBot, float]] = {}
        self._refreshing: dict[tuple[str | None, str | None], asyncio.Task] = {}
        self.store_retry = store_retry
        self.store_again = store_again
        # Refreshed tokens the database has not taken yet: used from here, stored again in the background.
        self._unstored: dict[tuple[str | None, str | None], InstalledBot] = {}
        self._storing: dict[tuple[str | None, str | None], asyncio.Task] = {}

    # -- TokenSource -------------------------------------------------------
    async def bot_token(self, team_id: str, enterprise_id: str | None = None) -> str | None:
        bot = await self.fresh(team_id, enterprise_id)
        if bot is not None:
            return bot.token
        if await self.installed(team_id, enterprise_id) is not None:
            raise TokenUnavailable(f"the bot token of {team_id} expired and Slack has not refreshed it yet")
        return None

    async def bot_user_id(self, team_id: str, enterprise_id: str | None = None, *,
                          session: AsyncSession | None = None) -> str | None:
        """Crisp's own user id in this workspace, from the stored installation (cached); no Slack call.
        `session`: the caller's open one, read in when the cache has nothing (scopes do not nest)."""
        bot = await self.installed(team_id, enterprise_id, session=session)
        return bot.bot_user_id if bot is not None else None

    # -- reads -------------------------------------------------------------
    def drop_cached(self, enterprise_id: str | None, team_id: str | None) -> None:
        """The installation changed in this process (installed, uninstalled): read it again next time. A
        refreshed token still waiting to be stored is dropped too: a new install brings its own, and an
        uninstalled workspace must have none."""
        key = (enterprise_id, team_id)
        self._cache.pop(key, None)
        self._unstored.pop(key, None)
        storing = self._storing.pop(key, None)
        if storing is not None and storing is not asyncio.current_task():
            storing.cancel()

    async def forget(self, team_id: str, enterprise_id: str | None = None) -> None:
        """Delete the workspace's tokens (uninstalled, revoked): its bot rows and installation rows at once,
        so no row is left that could authorize with a revoked token."""
        await self.store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
        self.drop_cached(enterprise_id, team_id)

    async def installed(self, team_id: str | None, enterprise_id: str | None = None, *,
                        session: AsyncSession | None = None) -> InstalledBot | None:
        """The stored bot of this workspace, from the cache when read within `cache_seconds`; no refresh.
        Read in `session` when one is given (the caller's open scope), else in a read of its own."""
        key = (enterprise_id, team_id)
        if key in self._unstored:
            return self._unstored[key]  # Slack's only copy of the newest token: the stored one is spent
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[1] < self.cache_seconds:
            return cached[0]
        if session is not None:
            row = await rows.latest_bot(session, self.client_id, enterprise_id, team_id)
        else:
            async with self.db.read() as own:
                row = await rows.latest_bot(own, self.client_id, enterprise_id, team_id)
        return self._remember(key, None if row is None else InstalledBot.from_row(row))

    def _remember(self, key, bot: InstalledBot | None) -> InstalledBot | None:
        if bot is None:
            self._cache.pop(key, None)  # not cached: an install in another process is seen at once
        else:
            self._cache[key] = (bot, time.monotonic())
        return bot

    def expiring(self, bot: InstalledBot, now: datetime) -> bool:
        left = bot.seconds_left(now)
        return left is not None and bot.refresh_token is not None and left <= self.window.total_seconds()

    async def fresh(self, team_id: str | None, enterprise_id: str | None = None) -> InstalledBot | None:
        """The bot with a token good for more than the rotation window: refreshed first when needed."""
        bot = await self.installed(team_id, enterprise_id)
        if bot is None or not self.expiring(bot, self.clock.now()):
            return bot
        return await self._refresh((enterprise_id, team_id))

    async def for_request(self, team_id: str | None, enterprise_id: str | None = None) -> InstalledBot | None:
        """For the ack path: the stored bot now, never a Slack call. A token in its rotation window, or even
        expired, is refreshed beside the request: commands are answered from the database, and the outbox
        asks for a fresh token before each call (`bot_token`). So a refresh Slack refuses for a while never
        turns a workspace's commands into "reinstall" answers."""
        bot = await self.installed(team_id, enterprise_id)
        now = self.clock.now()
        if bot is None or not self.expiring(bot, now):
            return bot
        key = (enterprise_id, team_id)
        if key not in self._refreshing:
            task = asyncio.create_task(self._refresh(key), name=f"token-refresh-{team_id}")
            self._refreshing[key] = task
            task.add_done_callback(lambda _: self._refreshing.pop(key, None))
        return bot

    # -- rotation ----------------------------------------------------------
    async def _refresh(self, key: tuple[str | None, str | None]) -> InstalledBot | None:
        enterprise_id, team_id = key
        lease_key = f"{enterprise_id or '-'}:{team_id or '-'}"
        give_up = time.monotonic() + self.wait_seconds
        while True:
            now = self.clock.now()
            async with self.db.transaction() as session:
                claimed = await rows.claim_lease(session, lease_key, self.holder, now, now + self.lease)
                row = await rows.latest_bot(session, self.client_id, enterprise_id, team_id)
                current = None if row is None else InstalledBot.from_row(row)
                settled = current is None or not self.expiring(current, now)
                if settled and claimed:
                    await rows.release_lease(session, lease_key, self.holder)
            if settled:
                return self._remember(key, current)  # refreshed meanwhile by another process (or gone)
            if claimed:
                return await self._call_slack(key, lease_key, current)
            if time.monotonic() >= give_up:
                log.warning("token refresh for %s is taking long in another process; using the current token",
                            team_id)
                return self._still_valid(current)
            await asyncio.sleep(POLL_SECONDS)  # another process is refreshing: poll for its result

    async def _call_slack(self, key, lease_key: str, current: InstalledBot) -> InstalledBot | None:
        enterprise_id, team_id = key
        try:
            answer = await self._client.oauth_v2_access(client_id=self.client_id, client_secret=self._client_secret,
                                                        grant_type="refresh_token",
                                                        refresh_token=current.refresh_token)
            token, refresh_token = answer["access_token"], answer["refresh_token"]
            expires_in = int(answer["expires_in"])
        except Exception as exc:  # refused, unreachable, malformed: the old token serves while it is valid
            log.warning("could not refresh the bot token of %s: %s", team_id,
                        getattr(getattr(exc, "response", None), "data", None) or exc)
            async with self.db.transaction() as session:
                await rows.release_lease(session, lease_key, self.holder)
            return self._still_valid(current)
        expires_at = self.clock.now() + timedelta(seconds=expires_in)
        refreshed = InstalledBot(team_id=current.team_id, enterprise_id=current.enterprise_id, token=token,
                                 bot_id=current.bot_id, bot_user_id=current.bot_user_id, refresh_token=refresh_token,
                                 expires_at=expires_at)
        for attempt, wait in enumerate((0.0, *self.store_retry), start=1):
            if wait:
                await asyncio.sleep(wait)
            if await self._store(key, lease_key, current.token, refreshed, attempt=attempt):
                log.info("refreshed the bot token of %s (valid until %s)", team_id, expires_at.isoformat())
                return self._remember(key, refreshed)
        log.critical("the bot token of %s was refreshed by Slack but could not be stored: this process uses it "
                     "from memory and keeps trying to store it; the other processes use the previous token until "
                     "%s. If this process stops before the database takes it, the workspace must reinstall Crisp",
                     team_id, current.expires_at.isoformat() if current.expires_at else "it expires")
        self._unstored[key] = refreshed
        self._storing[key] = asyncio.create_task(self._store_until_stored(key, lease_key, current.token),
                                                 name=f"token-store-{team_id}")
        return refreshed

    async def _store(self, key, lease_key: str, old_token: str, bot: InstalledBot, *, attempt: int) -> bool:
        """Replace `old_token` by the refreshed bot's token in the store and give the lease back; False
        (logged) when the database did not take it."""
        enterprise_id, team_id = key
        try:
            async with self.db.transaction() as session:
                await rows.store_refreshed_token(session, self.client_id, enterprise_id, team_id, old_token, {
                    "bot_token": bot.token, "bot_refresh_token": bot.refresh_token,
                    "bot_token_expires_at": naive_utc(bot.expires_at)})
                await rows.release_lease(session, lease_key, self.holder)
        except Exception as exc:  # busy, unreachable, refused: the token must not be dropped for any of them
            log.error("could not store the refreshed bot token of %s (attempt %s): %s", team_id, attempt,
                      str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return False
        return True

    async def _store_until_stored(self, key, lease_key: str, old_token: str) -> None:
        attempt = 1 + len(self.store_retry)
        while key in self._unstored:
            await asyncio.sleep(self.store_again)
            attempt += 1
            bot = self._unstored[key]
            if await self._store(key, lease_key, old_token, bot, attempt=attempt):
                log.warning("the refreshed bot token of %s is stored at last (attempt %s)", key[1], attempt)
                self._unstored.pop(key, None)
                self._storing.pop(key, None)
                self._remember(key, bot)

    def _still_valid(self, bot: InstalledBot) -> InstalledBot | None:
        left = bot.seconds_left(self.clock.now())
        return bot if left is None or left > 0 else None

    async def close(self) -> None:
        if self._unstored:
            log.critical("stopping with refreshed bot tokens the database never took (%s): those workspaces "
                         "must reinstall Crisp once their previous token expires", ", ".join(
                             str(team_id) for _, team_id in self._unstored))
        tasks = list(self._refreshing.values()) + list(self._storing.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
