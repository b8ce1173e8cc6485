"""What handlers and jobs need, built once per process and passed in (no module-level state)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.lifecycle.history import HistoryCache
from bot.metrics import Metrics
from bot.outbox.enqueue import Outbox
from bot.settings import Settings
from bot.workspaces.states import WorkspaceStates
from bot.workspaces.tokens import TokenSource
from storage.db import Database



async def _no_client(team_id: str) -> AsyncWebClient | None:
    return None


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    outbox: Outbox
    metrics: Metrics
    histories: HistoryCache = field(default_factory=HistoryCache)  # `phase history` reads, per process
    # The bot's own workspace, once auth.test has told (alerts routed to ALERT_CHANNEL belong to it).
    # Single-workspace mode only: in OAuth mode there is none, an alert names its workspace by its token.
    bot_team_id: Callable[[], str | None] = lambda: None
    # Crisp's own user id, once auth.test has told (single-workspace mode; see `bot_user_for`).
    bot_user_id: Callable[[], str | None] = lambda: None
    # A Web API client for a workspace's reads off the ack path (users.info); None before start-up or
    # when the workspace has no usable token.
    slack_client: Callable[[str], Awaitable[AsyncWebClient | None]] = _no_client
    # Whose token a call uses (bot/workspaces/tokens.py), and which workspaces are not installed.
    tokens: TokenSource | None = None
    workspace_states: WorkspaceStates | None = None
    # True when Crisp serves many workspaces (OAuth installs); False: one, with SLACK_BOT_TOKEN.
    multi_workspace: bool = False

    async def bot_user_for(self, team_id: str | None, *, session: AsyncSession | None = None) -> str | None:
        """Crisp's own user id in this workspace: in OAuth mode the installation's (cached, read from the
        store, no Slack call; in `session` when the caller has one open), otherwise the one auth.test named
        at start-up. None when not known."""
        if not self.multi_workspace:
            return self.bot_user_id()
        per_workspace = getattr(self.tokens, "bot_user_id", None)
        if per_workspace is None or not team_id:
            return None
        return await per_workspace(team_id, session=session)

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.settings.crisp_admins
