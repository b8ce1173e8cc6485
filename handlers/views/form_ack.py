"""Answering a form's submission: saved → an empty ack (the form closes); bad fields → Slack field errors on the
form (it stays open, nothing stored); any other refusal → shown on the form's first field, as plain text."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.errors import FormErrors, UserError
from bot.views.mrkdwn import to_plain


async def ack_form(ack, save: Awaitable[Any], field_errors: Callable[[dict[str, str]], dict[str, str]],
                   first_field: str) -> None:
    try:
        await save
    except FormErrors as exc:
        await ack(response_action="errors", errors=field_errors(exc.errors))
        return
    except UserError as exc:
        await ack(response_action="errors", errors=field_errors({first_field: to_plain(exc.message)}))
        return
    await ack()
