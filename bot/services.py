"""What handlers and jobs need, built once per process and passed in (no module-level state)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.lifecycle.history import HistoryCache
from bot.metrics import Metrics
from bot.outbox.enqueue import Outbox
from bot.settings import Settings
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    outbox: Outbox
    metrics: Metrics
    histories: HistoryCache = field(default_factory=HistoryCache)  # `phase history` reads, per process
    # The bot's own workspace, once auth.test has told (alerts routed to ALERT_CHANNEL belong to it).
    bot_team_id: Callable[[], str | None] = lambda: None
    # Crisp's own user id, once auth.test has told.
    bot_user_id: Callable[[], str | None] = lambda: None
    # A Web API client for a workspace's reads off the ack path (users.info); None before start-up.
    slack_client: Callable[[str], AsyncWebClient | None] = lambda team_id: None

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.settings.crisp_admins
