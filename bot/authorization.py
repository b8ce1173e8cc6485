"""Who the bot is in its one workspace, learned from `auth.test` at start-up and kept.

Bolt's single-team authorization calls `auth.test` on the first request instead: a Slack round trip
on the ack path after every start, and "Something went wrong" for every command while Slack's API is
unreachable. Here requests are authorized from what start-up learned; when Slack could not be reached
then, the token is used as is (commands are answered from the database, their messages wait in the
outbox) and `auth.test` is retried in the background until it answers.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("crisp")

REFUSED_TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                                  "token_expired"})
RETRY_FIRST_SECONDS = 5.0
RETRY_MAX_SECONDS = 300.0


class TokenRefused(Exception):
    """Slack says the bot token is not valid; nothing will work until the operator fixes it."""


@dataclass(frozen=True)
class BotIdentity:
    team_id: str | None
    team_name: str | None
    user_id: str | None
    user_name: str | None
    bot_id: str | None
    enterprise_id: str | None


class SingleWorkspaceAuthorization(AsyncAuthorize):
    """Bolt's `authorize`: pass the instance itself as AsyncApp(authorize=...)."""

    def __init__(self, token: str, client: AsyncWebClient, *, retry_first: float = RETRY_FIRST_SECONDS,
                 retry_max: float = RETRY_MAX_SECONDS):
        super().__init__()
        self.token = token
        self.client = client
        self.identity: BotIdentity | None = None
        self.retry_first = retry_first
        self.retry_max = retry_max

    async def check(self) -> str | None:
        """One `auth.test`. None when the identity is now known; otherwise why Slack could not say.
        Raises TokenRefused when Slack refuses the token."""
        try:
            answer = await self.client.auth_test(token=self.token)
        except SlackApiError as exc:
            data = exc.response.data if isinstance(exc.response.data, dict) else {}
            error = data.get("error") or f"HTTP {exc.response.status_code}"
            if error in REFUSED_TOKEN_ERRORS:
                raise TokenRefused(error) from None
            return f"Slack answered {error}"
        except Exception as exc:  # unreachable, timed out, not JSON: all mean "try again later"
            return f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        self.identity = BotIdentity(
            team_id=answer.get("team_id"), team_name=answer.get("team"), user_id=answer.get("user_id"),
            user_name=answer.get("user"), bot_id=answer.get("bot_id"), enterprise_id=answer.get("enterprise_id"),
        )
        return None

    async def keep_checking(self) -> None:
        """Retry `auth.test` with backoff until Slack answers (quietly: start-up said it once)."""
        delay = self.retry_first
        while self.identity is None:
            await asyncio.sleep(delay)
            try:
                problem = await self.check()
            except TokenRefused as exc:
                log.error("SLACK_BOT_TOKEN was refused by Slack (%s); messages will not be delivered", exc)
                return
            if problem is None:
                identity = self.identity
                log.info("Slack answers again: bot token belongs to %s in team %s (%s)", identity.user_name,
                         identity.team_name, identity.team_id)
                return
            log.debug("Slack still unreachable (%s); next try in %.0f s", problem, delay)
            delay = min(delay * 2, self.retry_max)

    async def __call__(self, *, context=None, enterprise_id: str | None, team_id: str | None,
                       user_id: str | None, **_actor) -> AuthorizeResult:
        identity = self.identity
        return AuthorizeResult(
            enterprise_id=enterprise_id or (identity.enterprise_id if identity else None),
            team_id=team_id or (identity.team_id if identity else None),
            bot_token=self.token,
            bot_user_id=identity.user_id if identity else None,
            bot_id=identity.bot_id if identity else None,
            user_id=user_id,
        )
