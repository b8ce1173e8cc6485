"""Write / Submit / Edit buttons on documentation DMs, announcements and `docs`: open the phase's form,
prefilled with its latest version."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.docs import records
from bot.services import Services
from bot.views import docs as views
from bot.views.ids import ActionId
from handlers.actions.forms import open_form


def register(app: AsyncApp, services: Services) -> None:
    async def build(session, press) -> dict:
        context = await records.form_context(services, session, press.team_id, press.user_id,
                                             records.target_of(press.data))
        return views.form(context.project, context.target.phase, context.target.iteration, context.latest)

    async def pressed(ack, body, client) -> None:
        await ack()
        await open_form(services, body, client, build)

    app.action(ActionId.DOCS_OPEN)(pressed)
