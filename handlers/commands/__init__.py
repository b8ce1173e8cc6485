"""The slash command: answered in the HTTP response, from the database."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.commands.dispatch import CommandDispatcher
from bot.services import Services
from bot.text import clean_text
from handlers.modals import modal_opener


def register(app: AsyncApp, services: Services) -> None:
    dispatcher = CommandDispatcher(services)

    async def on_command(ack, body, client, context) -> None:
        name, reply = await dispatcher.dispatch(
            team_id=body.get("team_id") or "",
            channel_id=body.get("channel_id") or "",
            user_id=body.get("user_id") or "",
            # Normalised here, at the edge, and left escaped: the naming rules look for real mentions in
            # Slack's escaped text and unescape it once themselves.
            text=clean_text(body.get("text")),
            open_modal=modal_opener(client, body.get("trigger_id"), before_call=services.db.release_reads),
            # Slack's retry of this request repeats its trigger id: a change it asked for is made once.
            request_key=body.get("trigger_id") or None,
        )
        context["crisp_command"] = name
        await ack(**reply.as_ack())

    app.command(services.settings.slash_command)(on_command)
