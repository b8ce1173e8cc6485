"""Button presses."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.errors import UserError
from bot.projects import service
from bot.services import Services
from bot.views import projects as views
from bot.views import replies
from bot.views.ids import ActionId
from handlers.modals import modal_opener
from storage.queries import projects


def register(app: AsyncApp, services: Services) -> None:
    async def open_create_project(ack, body, client) -> None:
        await ack()
        channel_id = (body.get("channel") or {}).get("id") or ""
        team_id = (body.get("team") or {}).get("id") or ""
        user_id = (body.get("user") or {}).get("id") or ""
        open_modal = modal_opener(client, body.get("trigger_id"))
        try:
            service.require_channel(channel_id)
            async with services.db.read() as session:
                existing = await projects.active_in_channel(session, team_id, channel_id)
            if existing is not None:
                raise UserError(views.already_tracks(existing))
            await open_modal(views.create_modal(channel_id))
        except UserError as exc:
            async with services.db.transaction() as session:
                await services.outbox.ephemeral(session, team_id, channel_id, user_id,
                                                replies.error(exc.message, slash=services.settings.slash_command),
                                                requested_by=user_id)

    app.action(ActionId.OPEN_CREATE_PROJECT)(open_create_project)
