"""Write / Submit / Edit buttons on documentation DMs, announcements and `docs`: open the phase's form,
prefilled with its latest version."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.docs import records
from bot.errors import UserError
from bot.services import Services
from bot.views import docs as views
from bot.views.ids import ActionId
from handlers.actions.phase import Press
from handlers.modals import modal_opener


def register(app: AsyncApp, services: Services) -> None:
    async def open_form(ack, body, client) -> None:
        await ack()
        press = Press(services, body)
        try:
            async with services.db.read() as session:
                context = await records.form_context(services, session, press.team_id, press.user_id,
                                                     records.target_of(press.data))
                view = views.form(context.project, context.target.phase, context.target.iteration, context.latest)
                await modal_opener(client, press.trigger_id, before_call=services.db.release_reads)(view)
        except UserError as exc:
            await press.tell(exc)

    app.action(ActionId.DOCS_OPEN)(open_form)
