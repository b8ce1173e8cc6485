"""Button presses."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.errors import UserError
from bot.onboarding import service as onboarding
from bot.services import Services
from bot.views import projects as views
from bot.views import replies
from bot.views.ids import ActionId
from handlers.actions import alerts
from handlers.actions import checkins as actions_checkins
from handlers.actions import docs as actions_docs
from handlers.modals import modal_opener
from handlers.actions import phase as actions_phase


def _id_of(value: Any) -> str:
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else ""


def register(app: AsyncApp, services: Services) -> None:
    async def open_create_project(ack, body, client) -> None:
        await ack()
        channel_id, team_id, user_id = _id_of(body.get("channel")), _id_of(body.get("team")), _id_of(body.get("user"))
        try:
            await onboarding.require_room_for_a_project(services, team_id, channel_id)
            trigger_id = body.get("trigger_id") if isinstance(body.get("trigger_id"), str) else None
            await modal_opener(client, trigger_id)(views.create_modal(channel_id))
        except UserError as exc:
            await onboarding.tell_privately(services, team_id, channel_id, user_id,
                                            replies.error(exc.message, slash=services.settings.slash_command))

    app.action(ActionId.OPEN_CREATE_PROJECT)(open_create_project)
    actions_phase.register(app, services)
    alerts.register(app, services)
    actions_checkins.register(app, services)
    actions_docs.register(app, services)
