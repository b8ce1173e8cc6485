"""Opening a modal on the ack path: the one Slack call made before answering."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError

log = logging.getLogger(__name__)

# A trigger id expires 3 s after the click: a call still unanswered after this cannot help, and the
# person should hear so within Slack's 3 s.
OPEN_TIMEOUT_SECONDS = 2.0


def modal_opener(client: AsyncWebClient, trigger_id: str | None, *,
                 before_call: Callable[[], Awaitable[None]] | None = None) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """`before_call` runs first, e.g. to hand back a database connection rather than hold it while
    waiting on Slack."""
    async def open_modal(view: dict[str, Any]) -> None:
        if not trigger_id:
            raise UserError("Slack sent no trigger to open a form with; please try again.")
        if before_call is not None:
            await before_call()
        try:
            await asyncio.wait_for(client.views_open(trigger_id=trigger_id, view=view), OPEN_TIMEOUT_SECONDS)
        except SlackApiError as exc:
            error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            log.warning("views.open failed: %s", error or exc)
            raise UserError(f"Slack would not open the form ({error or 'no answer'}); please try again.") from None
        except (TimeoutError, OSError, aiohttp.ClientError) as exc:  # unreachable, cut off, or too slow
            log.warning("views.open failed: %s", type(exc).__name__)
            raise UserError("Slack did not answer in time to open the form; please try again.") from None

    return open_modal
