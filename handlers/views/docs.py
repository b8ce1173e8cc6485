"""The documentation form: stored as the next version; field errors go back in the ack, nothing stored."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.crisp_dm import Phase
from bot.docs import records
from bot.docs.fields import FIELDS
from bot.errors import UserError
from bot.services import Services
from bot.views import carried
from bot.views import docs as views
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views.mrkdwn import to_plain
from handlers.views.state import submitter, text_value


def _values(view: dict[str, Any], phase: Phase) -> dict[str, Any]:
    values: dict[str, Any] = {field.key: text_value(view, BlockId.DOC_FIELD_PREFIX + field.key, InputId.DOC_TEXT)
                              for field in FIELDS[phase]}
    values["link"] = text_value(view, BlockId.DOC_LINK, InputId.DOC_LINK)
    return values


def register(app: AsyncApp, services: Services) -> None:
    async def submit(ack, body, view) -> None:
        team_id, user_id = submitter(body)
        target = records.target_of(carried.small_json(view.get("private_metadata")))
        try:
            if target is None:
                raise UserError(records.NOT_OURS)
            await records.submit(services, team_id=team_id, user_id=user_id, target=target,
                                 values=_values(view, target.phase))
        except records.FormErrors as exc:
            await ack(response_action="errors", errors=views.field_errors(exc.errors))
            return
        except UserError as exc:
            # Not about one field: shown on the first one, in plain words.
            first = FIELDS[target.phase][0].key if target is not None else "link"
            await ack(response_action="errors", errors=views.field_errors({first: to_plain(exc.message)}))
            return
        await ack()

    app.view(CallbackId.DOCS_RECORD)(submit)
