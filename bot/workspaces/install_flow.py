"""Bolt's OAuth install flow for many workspaces (`/slack/install`, `/slack/oauth_redirect`), bot scopes
only, with Crisp's stores, pages, clock, and its refusal of organization-wide (Enterprise Grid) installs."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from slack_bolt.error import BoltError
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.manifest import BOT_SCOPES
from bot.settings import Settings
from bot.workspaces.install_pages import INSTALL_PATH, failure_page, success_page
from bot.workspaces.installed import ROTATION_WINDOW_MINUTES
from bot.workspaces.store import CrispInstallationStore, CrispOAuthStateStore
from storage.db import DatabaseBusy

log = logging.getLogger("crisp.install")

REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600
HTML = {"Content-Type": "text/html; charset=utf-8"}


class OrgInstallRefused(BoltError):
    """An Enterprise Grid organization-wide install: Crisp serves workspaces one by one."""


class CrispOAuthFlow(AsyncOAuthFlow):
    def __init__(self, *, clock: Clock, **kwargs):
        super().__init__(**kwargs)
        self.clock = clock

    async def run_installation(self, code: str) -> Installation | None:
        installation = await super().run_installation(code)
        if installation is None:
            return None
        # The sdk dates the install and the token's expiry by the system clock; Crisp's rotation compares
        # them with its own clock (injectable), so they are dated by it.
        now = self.clock.now().timestamp()
        if installation.bot_token_expires_at is not None:
            installation.bot_token_expires_at = int(now) + (installation.bot_token_expires_at - int(time.time()))
        installation.installed_at = now
        return installation

    async def store_installation(self, request: AsyncBoltRequest, installation: Installation) -> None:
        if installation.is_enterprise_install:
            log.warning("refused an organization-wide install for enterprise %s", installation.enterprise_id)
            raise OrgInstallRefused("organization-wide installs are not supported")
        try:
            await super().store_installation(request, installation)
        except (DatabaseBusy, SQLAlchemyError, OSError) as exc:
            log.error("could not store the installation of %s: %s", installation.team_id, exc)
            raise BoltError("storage_error") from exc
        log.info("installed into %s (%s)", installation.team_name, installation.team_id)


def build_install_flow(settings: Settings, store: CrispInstallationStore, states: CrispOAuthStateStore,
                       client: AsyncWebClient, clock: Clock,
                       on_installed: Callable[[Installation], Awaitable[object]]) -> CrispOAuthFlow:
    """`on_installed` runs after the installation is stored (the workspace's own records: resumed when it
    had uninstalled Crisp before)."""
    slash_command = settings.slash_command

    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        try:
            await on_installed(args.installation)
        except (DatabaseBusy, SQLAlchemyError, OSError) as exc:
            # The token is stored: the workspace's first request resumes it (bot/workspaces/gate.py).
            log.warning("installed %s, but recording it failed (%s); its first request will", 
                        args.installation.team_id, exc)
        return BoltResponse(status=200, body=success_page(args.installation.team_name, slash_command),
                            headers=_forget_state(args.settings))

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        reason = "enterprise_install" if isinstance(args.error, OrgInstallRefused) else args.reason
        status = args.suggested_status_code
        if reason == "enterprise_install":
            status = 403
        elif status >= 500:
            status = 503  # the database: nothing a retry later would not fix
        log.warning("install failed: %s", reason)
        return BoltResponse(status=status, body=failure_page(reason), headers=_forget_state(args.settings))

    oauth_settings = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,  # /slack/install redirects at once; /install is the page
        installation_store=store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATION_WINDOW_MINUTES,
        state_store=states,
        state_expiration_seconds=STATE_SECONDS,
        callback_options=AsyncCallbackOptions(success=success, failure=failure),
        logger=log,
    )
    return CrispOAuthFlow(client=client, logger=log, settings=oauth_settings, clock=clock)


def _forget_state(oauth_settings: AsyncOAuthSettings) -> dict:
    return {**HTML, "Set-Cookie": [oauth_settings.state_utils.build_set_cookie_for_deletion()]}
