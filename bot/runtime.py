"""Wires one process together: database, Slack clients, Bolt, outbox worker, scheduler, web server."""

from __future__ import annotations

import asyncio
import errno
import functools
import logging
import socket

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.alerts.relay import AlertRelay
from bot.app import build_bolt_app
from bot.authorization import SingleWorkspaceAuthorization, TokenRefused
from bot.clock import Clock, SystemClock
from bot.export import service as export
from bot.metrics import Metrics
from bot.outbox.enqueue import Outbox
from bot.outbox.worker import OutboxWorker
from bot.scheduler import build_scheduler
from bot.services import Services
from bot.settings import Settings
from bot.slack_clients import SlackClients
from bot.socket_mode import connect_with_backoff, quiet_client_logger
from bot.web import build_web_app
from bot.workspaces import service as workspaces
from bot.workspaces.states import WorkspaceStates
from bot.workspaces.authorize import InstalledAuthorization
from bot.workspaces.install_flow import CrispOAuthFlow, build_install_flow
from bot.workspaces.installed import InstalledTokens
from bot.workspaces.store import CrispInstallationStore, CrispOAuthStateStore
from bot.workspaces.tokens import SingleWorkspaceTokens
from handlers.socket_mode import CheckedSocketModeHandler
from storage.db import Database
from storage.migrate import upgrade_to_head

log = logging.getLogger("crisp")

WORKER_STOP_GRACE_SECONDS = 10
INSTALL_CALL_TIMEOUT_SECONDS = 10


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


class Runtime:
    def __init__(self, settings: Settings, *, clock: Clock | None = None):
        self.settings = settings
        self.clock = clock or SystemClock()
        self.metrics = Metrics()
        self.db = Database(settings.database_url, pool_size=settings.database_pool_size,
                           pool_timeout=settings.database_pool_timeout)
        self.outbox = Outbox(self.clock, api_url=settings.slack_api_url)
        self.services = Services(settings, self.db, self.clock, self.outbox, self.metrics,
                                 bot_team_id=self._bot_team_id, bot_user_id=self._bot_user_id,
                                 slack_client=self._slack_client)
        self.workspace_states = WorkspaceStates(self.db)
        self.services.workspace_states = self.workspace_states
        self.alert_relay = AlertRelay(self.services)
        self._relay_task: asyncio.Task | None = None
        self.slack: SlackClients | None = None
        self.worker: OutboxWorker | None = None
        self.bolt_app: AsyncApp | None = None
        self.web_app: web.Application | None = None
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._socket_handler: AsyncSocketModeHandler | None = None
        self._scheduler = None
        self._worker_task: asyncio.Task | None = None
        self._background_tasks: list[asyncio.Task] = []
        self.authorization: SingleWorkspaceAuthorization | InstalledAuthorization | None = None
        # OAuth mode only (SLACK_CLIENT_ID): the installation store, its tokens and the install flow.
        self.installations: CrispInstallationStore | None = None
        self.installed_tokens: InstalledTokens | None = None
        self.install_flow: CrispOAuthFlow | None = None
        self._install_client: AsyncWebClient | None = None

    def _bot_user_id(self) -> str | None:
        identity = getattr(self.authorization, "identity", None)  # single-workspace mode only
        return identity.user_id if identity is not None else None

    async def _slack_client(self, team_id: str) -> AsyncWebClient | None:
        return await self.slack.for_team(team_id) if self.slack is not None else None

    def _bot_team_id(self) -> str | None:
        identity = getattr(self.authorization, "identity", None)  # single-workspace mode only
        return identity.team_id if identity is not None else None

    async def migrate(self) -> None:
        try:
            await upgrade_to_head(self.db.engine)
        except (SQLAlchemyError, OSError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            await self.db.settle_after_failed_connect()
            raise StartupError(
                f"DATABASE_URL: cannot use the database at {self.settings.safe_database_url()}: {reason}"
            ) from None

    async def start(self, *, http: bool, socket_mode: bool = False, worker: bool = True,
                    scheduler: bool | None = None, check_token: bool = True) -> None:
        settings = self.settings
        await self.migrate()
        if settings.oauth:
            self._serve_installed_workspaces()
            check_token = False  # no token of its own: each workspace's comes with its install
        elif settings.slack_bot_token is None:
            raise StartupError("SLACK_BOT_TOKEN is not set")
        else:
            self._serve_one_workspace(settings.slack_bot_token.get_secret_value())
        self.worker = OutboxWorker(self.db, self.slack.for_team, self.clock, self.metrics,
                                   lease_seconds=settings.outbox_lease_seconds,
                                   call_timeout=settings.outbox_timeout_seconds,
                                   late_apply_seconds=settings.outbox_late_apply_seconds,
                                   own_methods={export.EXPORT: functools.partial(export.run, self.services)})
        self.outbox.on_commit(self.worker.wake)
        self.bolt_app = build_bolt_app(self.services, self.slack.bolt, authorize=self.authorization)
        if check_token:
            await self._check_token()
        if worker:
            self._worker_task = asyncio.create_task(self.worker.run_forever(), name="outbox-worker")
            self._relay_task = asyncio.create_task(self.alert_relay.run_forever(), name="alert-relay")
        if settings.scheduler_enabled if scheduler is None else scheduler:
            self._scheduler = build_scheduler(self.services)
            self._scheduler.start()
        if http:
            await self._serve_http()
        if socket_mode:
            self._socket_handler = CheckedSocketModeHandler(self.bolt_app, settings.slack_app_token.get_secret_value(),
                                                            metrics=self.metrics, logger=quiet_client_logger())
            self._background(connect_with_backoff(self._socket_handler), "socket-mode-connect")

    def _serve_one_workspace(self, token: str) -> None:
        self.services.tokens = SingleWorkspaceTokens(token, self._bot_team_id,
                                                     is_uninstalled=self.workspace_states.is_uninstalled)
        self.slack = SlackClients(self.services.tokens, self.settings.slack_api_url,
                                  outbox_timeout=self.settings.outbox_timeout_seconds, bolt_token=token)
        self.authorization = SingleWorkspaceAuthorization(token, self.slack.bolt)

    def _serve_installed_workspaces(self) -> None:
        """OAuth mode: tokens from the installation store, the install flow on /slack/install."""
        settings = self.settings
        secret = settings.slack_client_secret.get_secret_value()
        # oauth.v2.access (installs and token refreshes) and the auth.test of an install: never on the ack path.
        self._install_client = AsyncWebClient(base_url=settings.slack_api_url, timeout=INSTALL_CALL_TIMEOUT_SECONDS,
                                              retry_handlers=[])
        self.installations = CrispInstallationStore(self.db, settings.slack_client_id)
        self.installed_tokens = InstalledTokens(self.installations, self.clock, client_secret=secret,
                                                client=self._install_client)
        self.services.tokens = self.installed_tokens
        self.services.multi_workspace = True
        ignored = [name for name, value in (("ALERT_TOKEN", settings.alert_token),
                                            ("ALERT_HMAC_SECRET", settings.alert_hmac_secret),
                                            ("ALERT_CHANNEL", settings.alert_channel)) if value]
        if ignored:
            # They belong to one workspace; with many, each has its own (`alerts token`, `alerts channel`).
            log.warning("%s set but not used when serving many workspaces: each workspace issues its own alert "
                        "token with `alerts token` and sets its channel with `alerts channel`", ", ".join(ignored))
        self.slack = SlackClients(self.installed_tokens, settings.slack_api_url,
                                  outbox_timeout=settings.outbox_timeout_seconds)
        self.authorization = InstalledAuthorization(self.installed_tokens)

        async def record_install(installation) -> None:
            await workspaces.installed(self.services, installation.team_id, enterprise_id=installation.enterprise_id,
                                       installer=installation.user_id)

        self.install_flow = build_install_flow(settings, self.installations, CrispOAuthStateStore(self.db, self.clock),
                                               self._install_client, self.clock, on_installed=record_install)

    async def _check_token(self) -> None:
        """A refused token stops start-up; an unreachable Slack does not (see bot.authorization)."""
        try:
            problem = await self.authorization.check()
        except TokenRefused as exc:
            raise StartupError(f"SLACK_BOT_TOKEN was refused by Slack ({exc})") from None
        if problem is not None:
            log.warning("Slack's API at %s does not answer (%s); starting anyway: commands are answered from "
                        "the database and messages wait in the outbox until it does",
                        self.settings.slack_api_url, problem)
            self._background(self.authorization.keep_checking(), "auth-test-retry")
            return
        identity = self.authorization.identity
        log.info("bot token belongs to %s in team %s (%s)", identity.user_name, identity.team_name, identity.team_id)
        if identity.team_id:
            # The token works, so the workspace has Crisp installed: recorded, or resumed after an uninstall.
            await workspaces.installed(self.services, identity.team_id, enterprise_id=identity.enterprise_id,
                                       audit_first=False)

    def _background(self, coroutine, name: str) -> None:
        self._background_tasks.append(asyncio.create_task(coroutine, name=name))

    async def _serve_http(self) -> None:
        signing_secret = self.settings.slack_signing_secret
        self.web_app = build_web_app(self.services, self.bolt_app,
                                     signing_secret=signing_secret.get_secret_value() if signing_secret else None,
                                     install_flow=self.install_flow,
                                     on_alerts_stored=self.alert_relay.wake)
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
        for task in self._background_tasks:
            task.cancel()
        await asyncio.gather(*self._background_tasks, return_exceptions=True)
        if self._socket_handler is not None:
            await self._socket_handler.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        if self._relay_task is not None:
            self.alert_relay.stop()
            self._relay_task.cancel()
            await asyncio.gather(self._relay_task, return_exceptions=True)
        if self._worker_task is not None:
            self.worker.stop()
            try:
                await asyncio.wait_for(self._worker_task, WORKER_STOP_GRACE_SECONDS)
            except (TimeoutError, asyncio.CancelledError):
                pass  # rows still in flight are taken over after their lease (and never posted twice)
        if self.slack is not None:
            await self.slack.close()
        if self.installed_tokens is not None:
            await self.installed_tokens.close()
        await self.db.dispose()
