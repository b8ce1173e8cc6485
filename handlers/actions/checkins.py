"""The check-in DM's button, and App Home's Answer early: open the form (prefilled when the person answered
already)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from sqlalchemy.ext.asyncio import AsyncSession

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
    async def open_with(body, client, build: Callable[[Press, AsyncSession], Awaitable[dict[str, Any]]]) -> None:
        press = Press(services, body)
        try:
            async with services.db.read() as session:
                view = await build(press, session)
                await modal_opener(client, press.trigger_id, before_call=services.db.release_reads)(view)
        except UserError as exc:
            await press.tell(exc)

    async def run_form(press: Press, session: AsyncSession) -> dict[str, Any]:
        context = await checkins.form_context(services, session, press.user_id, carried.row_id(press.data.get("r")))
        if context.run.team_id != press.team_id:
            raise UserError("That button is not one of Crisp's; nothing changed.")
        return views.form(context.project, context.run, context.answer, context.questions)

    async def early_form(press: Press, session: AsyncSession) -> dict[str, Any]:
        context = await early.context_for(services, session, press.team_id, press.user_id, press.data)
        return views.form(context.project, None, context.answer, context.questions,
                          metadata=early.metadata(context.schedule, context.slot), note=views.early_note(context.slot))

    async def open_form(ack, body, client) -> None:
        await ack()
        await open_with(body, client, run_form)

    async def open_early(ack, body, client) -> None:
        await ack()
        await open_with(body, client, early_form)

    app.action(ActionId.CHECKIN_OPEN)(open_form)
    app.action(ActionId.CHECKIN_EARLY)(open_early)
