"""The check-in form: stored while the window is open; field errors go back in the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.checkins import service as checkins
from bot.errors import UserError
from bot.services import Services
from bot.views import checkins as views
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views.mrkdwn import to_plain
from bot.views import carried
from handlers.views.state import element, submitter, text_value

FIELDS = {"progress": (BlockId.CHECKIN_PROGRESS, InputId.CHECKIN_PROGRESS),
          "blockers": (BlockId.CHECKIN_BLOCKERS, InputId.CHECKIN_BLOCKERS),
          "help": (BlockId.CHECKIN_HELP, InputId.CHECKIN_HELP)}


def _values(view: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {field: text_value(view, *ids) for field, ids in FIELDS.items()}
    selected = element(view, BlockId.CHECKIN_CONFIDENCE, InputId.CHECKIN_CONFIDENCE).get("selected_option")
    values["confidence"] = selected.get("value") if isinstance(selected, dict) else None
    return values


def register(app: AsyncApp, services: Services) -> None:
    async def answer(ack, body, view) -> None:
        team_id, user_id = submitter(body)
        run_id = carried.row_id(carried.small_json(view.get("private_metadata")).get("r"))
        try:
            await checkins.save_answer(services, team_id=team_id, user_id=user_id, run_id=run_id,
                                       values=_values(view))
        except checkins.FormErrors as exc:
            await ack(response_action="errors", errors=views.field_errors(exc.errors))
            return
        except UserError as exc:
            await ack(response_action="errors", errors=views.field_errors({"progress": to_plain(exc.message)}))
            return
        await ack()

    app.view(CallbackId.CHECKIN_ANSWER)(answer)
