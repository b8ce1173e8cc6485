"""Whose bot token a call to Slack uses: chosen by the workspace (team) it is for, when it is made.

`TokenSource` is the one interface: the outbox worker asks it for every row at send time, and a None
answer means the workspace has no usable token (uninstalled, revoked, or another workspace than the
single one this process serves): the row is parked, neither sent nor lost.

- `SingleWorkspaceTokens`: `SLACK_BOT_TOKEN`, for the team `auth.test` named at start-up (any team while
  Slack has not answered yet: the token is then used as is, as bot/authorization.py does).
- `InstalledTokens` (OAuth mode): the installation store's token, refreshed when it expires soon.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol


class TokenUnavailable(Exception):
    """The workspace is installed but has no usable token just now (it expired and Slack has not refreshed
    it yet): its calls wait and are tried again, rather than parked as if it were uninstalled."""


class TokenSource(Protocol):
    async def bot_token(self, team_id: str, enterprise_id: str | None = None) -> str | None:
        """The bot token to call Slack with for this workspace now; None when there is none."""


class SingleWorkspaceTokens:
    """The one `SLACK_BOT_TOKEN`. `own_team` says which team it belongs to (None: not known yet);
    `is_uninstalled`, when given, is asked whether that team has uninstalled Crisp since."""

    def __init__(self, token: str, own_team: Callable[[], str | None] = lambda: None,
                 is_uninstalled: Callable[[str], Awaitable[bool]] | None = None):
        self._token = token
        self._own_team = own_team
        self._is_uninstalled = is_uninstalled

    async def bot_token(self, team_id: str, enterprise_id: str | None = None) -> str | None:
        own = self._own_team()
        if own is not None and team_id != own:
            return None
        if self._is_uninstalled is not None and await self._is_uninstalled(team_id):
            return None
        return self._token
