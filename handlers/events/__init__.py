"""Events API listeners: parse the event, hand it to the onboarding or workspace service; answers go out
through the outbox and the ack is immediate."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.onboarding import service as onboarding
from bot.services import Services
from bot.workspaces import service as workspaces


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def bot_user_id_of(body: dict[str, Any], context: dict[str, Any]) -> str | None:
    """Crisp's own user id: from authorization (auth.test), else from the event's `authorizations`, which
    the Events API sends with every event (so it is known even when Slack was unreachable at start)."""
    known = _text(context.get("bot_user_id"))
    if known:
        return known
    authorizations = body.get("authorizations")
    if isinstance(authorizations, list) and authorizations and isinstance(authorizations[0], dict):
        first = authorizations[0]
        if first.get("is_bot") is not False and _text(first.get("user_id")):
            return first["user_id"]
    return None


def _enterprise_of(body: dict[str, Any], context: dict[str, Any]) -> str | None:
    return _text(body.get("enterprise_id")) or _text(context.get("enterprise_id")) or None


def register(app: AsyncApp, services: Services) -> None:
    async def app_home_opened(event, body, context) -> None:
        user_id = _text(event.get("user"))
        if event.get("tab") not in (None, "home") or not user_id:
            return
        team_id = _text(body.get("team_id")) or _text(context.get("team_id"))
        await onboarding.publish_home(services, team_id, user_id)

    async def member_joined_channel(event, body, context) -> None:
        event_id = _text(body.get("event_id"))
        await onboarding.member_joined(
            services,
            team_id=_text(body.get("team_id")) or _text(event.get("team")),
            channel_id=_text(event.get("channel")),
            user_id=_text(event.get("user")),
            bot_user_id=bot_user_id_of(body, context),
            # Slack retries an event it thinks we missed; the event id keeps the answer single.
            dedupe_key=f"event:{event_id}" if event_id else None,
            inviter=_text(event.get("inviter")) or None,
        )

    async def app_uninstalled(body, context) -> None:
        team_id = _text(body.get("team_id")) or _text(context.get("team_id"))
        await workspaces.uninstalled(services, team_id, enterprise_id=_enterprise_of(body, context),
                                     reason="app_uninstalled")

    async def tokens_revoked(event, body, context) -> None:
        # A bot-only app: the bot's token revoked leaves Crisp nothing to act with, as an uninstall does.
        # User tokens (`oauth`) Crisp never holds.
        if not (event.get("tokens") or {}).get("bot"):
            return
        team_id = _text(body.get("team_id")) or _text(context.get("team_id"))
        await workspaces.uninstalled(services, team_id, enterprise_id=_enterprise_of(body, context),
                                     reason="tokens_revoked")

    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
    app.event("app_home_opened")(app_home_opened)
    app.event("member_joined_channel")(member_joined_channel)
