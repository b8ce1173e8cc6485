"""Buttons that open a form: read what it shows, open it with the press's trigger (the read connection handed
back first), or tell the person privately why not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.services import Services
from handlers.actions.phase import Press
from handlers.modals import modal_opener


async def open_form(services: Services, body: dict[str, Any], client: AsyncWebClient,
                    build: Callable[[AsyncSession, Press], Awaitable[dict[str, Any]]]) -> None:
    press = Press(services, body)
    try:
        async with services.db.read() as session:
            view = await build(session, press)
            await modal_opener(client, press.trigger_id, before_call=services.db.release_reads)(view)
    except UserError as exc:
        await press.tell(exc)
