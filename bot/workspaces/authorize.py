"""Bolt's `authorize` in OAuth mode: who the bot is in the request's workspace, from the installation
store only (bot/workspaces/installed.py caches it), so the ack path makes no Slack call. Bolt's own
installation-store authorize calls `auth.test` for a token it has not seen and again after each refresh."""

from __future__ import annotations

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize

from bot.workspaces.installed import InstalledTokens


class InstalledAuthorization(AsyncAuthorize):
    def __init__(self, tokens: InstalledTokens):
        super().__init__()
        self.tokens = tokens

    async def __call__(self, *, context=None, enterprise_id: str | None, team_id: str | None,
                       user_id: str | None, **_actor) -> AuthorizeResult | None:
        bot = await self.tokens.for_request(team_id, enterprise_id)
        if bot is None:
            return None  # not installed here (or uninstalled): Bolt answers with the reinstall message
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=bot.token,
                               bot_user_id=bot.bot_user_id, bot_id=bot.bot_id, user_id=user_id)
