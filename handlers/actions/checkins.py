"""The check-in DM's button, and App Home's Answer early: open the form (prefilled when the person answered
already)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.checkins import early
from bot.checkins import service as checkins
from bot.errors import UserError
from bot.services import Services
from bot.views import checkins as views
from bot.views.ids import ActionId
from bot.views import carried
from handlers.actions.phase import Press
from handlers.modals import modal_opener


def register(app: AsyncApp, services: Services) -> None:
    async def open_form(ack, body, client) -> None:
        await ack()
        press = Press(services, body)
        try:
            async with services.db.read() as session:
                context = await checkins.form_context(services, session, press.user_id,
                                                      carried.row_id(press.data.get("r")))
                if context.run.team_id != press.team_id:
                    raise UserError("That button is not one of Crisp's; nothing changed.")
                view = views.form(context.project, context.run, context.answer, context.questions)
                await modal_opener(client, press.trigger_id, before_call=services.db.release_reads)(view)
        except UserError as exc:
            await press.tell(exc)

    async def open_early(ack, body, client) -> None:
        await ack()
        press = Press(services, body)
        try:
            async with services.db.read() as session:
                context = await early.context_for(services, session, press.team_id, press.user_id, press.data)
                view = views.form(context.project, None, context.answer, context.questions,
                                  metadata=early.metadata(context.schedule, context.slot),
                                  note=views.early_note(context.slot))
                await modal_opener(client, press.trigger_id, before_call=services.db.release_reads)(view)
        except UserError as exc:
            await press.tell(exc)

    app.action(ActionId.CHECKIN_OPEN)(open_form)
    app.action(ActionId.CHECKIN_EARLY)(open_early)
