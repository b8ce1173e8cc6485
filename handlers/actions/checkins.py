"""The check-in DM's button: opens the form (prefilled when the person answered already)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.checkins import service as checkins
from bot.errors import UserError
from bot.services import Services
from bot.views import carried
from bot.views import checkins as views
from bot.views.ids import ActionId
from handlers.actions.forms import open_form


def register(app: AsyncApp, services: Services) -> None:
    async def build(session, press) -> dict:
        context = await checkins.form_context(services, session, press.user_id, carried.row_id(press.data.get("r")))
        if context.run.team_id != press.team_id:
            raise UserError("That button is not one of Crisp's; nothing changed.")
        return views.form(context.project, context.run, context.answer)

    async def pressed(ack, body, client) -> None:
        await ack()
        await open_form(services, body, client, build)

    app.action(ActionId.CHECKIN_OPEN)(pressed)
