"""Message shortcuts: "Send as model feedback" stores the message's text as feedback for the channel's
project. Answered privately through the outbox: in the channel when it has a project (Crisp is there),
else by DM (Crisp may not be in that channel at all)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.errors import UserError
from bot.feedback import service
from bot.services import Services
from bot.views import feedback as views
from bot.views import replies
from bot.views.ids import CallbackId


def _id_of(value: Any) -> str:
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def register(app: AsyncApp, services: Services) -> None:
    async def model_feedback(ack, body) -> None:
        await ack()
        team_id = _id_of(body.get("team")) or _text((body.get("user") or {}).get("team_id"))
        user_id = _id_of(body.get("user"))
        channel_id = _id_of(body.get("channel"))
        message = body.get("message") if isinstance(body.get("message"), dict) else {}
        try:
            _, given = await service.from_message(
                services, team_id=team_id, user_id=user_id, channel_id=channel_id,
                message_ts=_text(message.get("ts")), message_text=_text(message.get("text")))
            if not given.new:
                await _tell(services, team_id, channel_id, user_id, views.already_stored())
        except service.NoProjectHere as exc:
            async with services.db.transaction() as session:
                await services.outbox.post(session, team_id, user_id, replies.error(
                    exc.message, slash=services.settings.slash_command))
        except UserError as exc:
            await _tell(services, team_id, channel_id, user_id,
                        replies.error(exc.message, hint=exc.hint, slash=services.settings.slash_command))

    app.shortcut(CallbackId.MODEL_FEEDBACK)(model_feedback)


async def _tell(services: Services, team_id: str, channel_id: str, user_id: str, message: dict[str, Any]) -> None:
    async with services.db.transaction() as session:
        await services.outbox.ephemeral(session, team_id, channel_id, user_id, message, requested_by=user_id)
