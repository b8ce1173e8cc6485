"""Wires one process together: database, Slack clients, Bolt, outbox worker, scheduler, web server."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import threading

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.app import build_bolt_app
from bot.clock import Clock, SystemClock
from bot.metrics import Metrics
from bot.outbox.enqueue import Outbox
from bot.outbox.worker import OutboxWorker
from bot.scheduler import build_scheduler
from bot.services import Services
from bot.settings import Settings
from bot.slack_clients import SlackClients
from bot.web import build_web_app
from storage.db import Database
from storage.migrate import upgrade_to_head

log = logging.getLogger("crisp")

WORKER_STOP_GRACE_SECONDS = 10


class StartupError(Exception):
    """Start-up cannot go on; the message is the one line the operator sees."""


def listen_error(exc: OSError, host: str, port: int) -> StartupError:
    """Name the setting at fault: HOST when the name does not resolve or is no address of this machine,
    PORT otherwise (taken, privileged)."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, socket.gaierror):
        return StartupError(f"HOST: cannot resolve {host!r} to an address to listen on ({reason})")
    if exc.errno == errno.EADDRNOTAVAIL:
        return StartupError(f"HOST: {host} is not an address of this machine ({reason})")
    return StartupError(f"PORT: cannot listen on {host}:{port} ({reason})")


async def _let_failed_sqlite_connections_close() -> None:
    """aiosqlite answers a failed connect on its own thread a moment later; if the loop has closed by then
    (the CLI exits on this error) that thread prints a traceback over the one-line error."""
    for thread in threading.enumerate():
        if thread.name.endswith("(_connection_worker_thread)"):
            await asyncio.to_thread(thread.join, 1.0)


class Runtime:
    def __init__(self, settings: Settings, *, clock: Clock | None = None):
        self.settings = settings
        self.clock = clock or SystemClock()
        self.metrics = Metrics()
        self.db = Database(settings.database_url)
        self.outbox = Outbox(self.clock)
        self.services = Services(settings, self.db, self.clock, self.outbox, self.metrics)
        self.slack: SlackClients | None = None
        self.worker: OutboxWorker | None = None
        self.bolt_app: AsyncApp | None = None
        self.web_app: web.Application | None = None
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._socket_handler: AsyncSocketModeHandler | None = None
        self._scheduler = None
        self._worker_task: asyncio.Task | None = None

    async def migrate(self) -> None:
        try:
            await upgrade_to_head(self.db.engine)
        except (SQLAlchemyError, OSError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            await _let_failed_sqlite_connections_close()
            raise StartupError(
                f"DATABASE_URL: cannot use the database at {self.settings.safe_database_url()}: {reason}"
            ) from None

    async def start(self, *, http: bool, socket_mode: bool = False, worker: bool = True,
                    scheduler: bool | None = None, check_token: bool = True) -> None:
        settings = self.settings
        await self.migrate()
        if settings.slack_bot_token is None:
            raise StartupError("SLACK_BOT_TOKEN is not set")
        self.slack = SlackClients(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
        self.worker = OutboxWorker(self.db, self.slack.for_team, self.clock, self.metrics,
                                   lease_seconds=settings.outbox_lease_seconds)
        self.outbox.on_commit(self.worker.wake)
        self.bolt_app = build_bolt_app(self.services, self.slack.bolt)
        if check_token:
            await self._check_token()
        if worker:
            self._worker_task = asyncio.create_task(self.worker.run_forever(), name="outbox-worker")
        if settings.scheduler_enabled if scheduler is None else scheduler:
            self._scheduler = build_scheduler(self.services)
            self._scheduler.start()
        if http:
            await self._serve_http()
        if socket_mode:
            self._socket_handler = AsyncSocketModeHandler(self.bolt_app, settings.slack_app_token.get_secret_value())
            await self._socket_handler.connect_async()
            log.info("connected to Slack over Socket Mode")

    async def _check_token(self) -> None:
        try:
            identity = await self.slack.bolt.auth_test()
        except SlackApiError as exc:
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else exc.response.status_code
            if error in ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"):
                raise StartupError(f"SLACK_BOT_TOKEN was refused by Slack ({error})") from None
            log.warning("could not check the bot token (Slack answered %s); going on", error)
            return
        except Exception as exc:  # Slack unreachable: Bolt will check again on the first request
            log.warning("could not reach Slack at SLACK_API_URL to check the bot token (%s); going on", exc)
            return
        log.info("bot token belongs to %s in team %s (%s)", identity.get("user"), identity.get("team"),
                 identity.get("team_id"))

    async def _serve_http(self) -> None:
        signing_secret = self.settings.slack_signing_secret
        self.web_app = build_web_app(self.services, self.bolt_app,
                                     signing_secret=signing_secret.get_secret_value() if signing_secret else None)
        self._runner = web.AppRunner(self.web_app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise listen_error(exc, self.settings.host, self.settings.port) from None
        self.port = self._runner.addresses[0][1]
        log.info("listening on http://%s:%s", self.settings.host, self.port)

    async def stop(self) -> None:
        if self._socket_handler is not None:
            await self._socket_handler.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        if self._worker_task is not None:
            self.worker.stop()
            try:
                await asyncio.wait_for(self._worker_task, WORKER_STOP_GRACE_SECONDS)
            except (TimeoutError, asyncio.CancelledError):
                pass  # rows still in flight are taken over after their lease (and never posted twice)
        if self.slack is not None:
            await self.slack.close()
        await self.db.dispose()
