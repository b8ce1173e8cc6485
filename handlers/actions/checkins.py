"""The check-in DM's button, and App Home's Answer early: open the form (prefilled when the person answered
already)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins import early
from bot.checkins import service as checkins
from bot.errors import UserError
from bot.services import Services
from bot.views import carried
from bot.views import checkins as views
from bot.views.ids import ActionId
from handlers.actions.forms import open_form


def register(app: AsyncApp, services: Services) -> None:
    async def run_form(session: AsyncSession, press) -> dict[str, Any]:
        context = await checkins.form_context(services, session, press.user_id, carried.row_id(press.data.get("r")))
        if context.run.team_id != press.team_id:
            raise UserError("That button is not one of Crisp's; nothing changed.")
        return views.form(context.project, context.run, context.answer, context.questions)

    async def early_form(session: AsyncSession, press) -> dict[str, Any]:
        context = await early.context_for(services, session, press.team_id, press.user_id, press.data)
        return views.form(context.project, None, context.answer, context.questions,
                          metadata=early.metadata(context.schedule, context.slot), note=views.early_note(context.slot))

    async def pressed(ack, body, client) -> None:
        await ack()
        await open_form(services, body, client, run_form)

    async def pressed_early(ack, body, client) -> None:
        await ack()
        await open_form(services, body, client, early_form)

    app.action(ActionId.CHECKIN_OPEN)(pressed)
    app.action(ActionId.CHECKIN_EARLY)(pressed_early)
