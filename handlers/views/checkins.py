"""The check-in form: stored while the window is open; field errors go back in the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.checkins import early
from bot.checkins import service as checkins
from bot.onboarding import service as onboarding
from bot.services import Services
from bot.views import checkins as views
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views import carried
from handlers.views.form_ack import ack_form
from handlers.views.state import element, submitter, text_value

FIELDS = {"progress": (BlockId.CHECKIN_PROGRESS, InputId.CHECKIN_PROGRESS),
          "blockers": (BlockId.CHECKIN_BLOCKERS, InputId.CHECKIN_BLOCKERS),
          "help": (BlockId.CHECKIN_HELP, InputId.CHECKIN_HELP)}


def _values(view: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {field: text_value(view, *ids) for field, ids in FIELDS.items()}
    selected = element(view, BlockId.CHECKIN_CONFIDENCE, InputId.CHECKIN_CONFIDENCE).get("selected_option")
    values["confidence"] = selected.get("value") if isinstance(selected, dict) else None
    # The project's added questions: one block each, keyed by the question.
    state = view.get("state") if isinstance(view.get("state"), dict) else {}
    blocks = state.get("values") if isinstance(state.get("values"), dict) else {}
    values["extra"] = {block.removeprefix(BlockId.CHECKIN_EXTRA_PREFIX): text_value(view, block, InputId.CHECKIN_EXTRA)
                       for block in blocks if isinstance(block, str)
                       and block.startswith(BlockId.CHECKIN_EXTRA_PREFIX)}
    return values


def register(app: AsyncApp, services: Services) -> None:
    async def save(team_id: str, user_id: str, view: dict[str, Any]) -> None:
        data = carried.small_json(view.get("private_metadata"))
        if "s" in data:  # answered early, from App Home: kept for the schedule's next slot
            await early.save_early(services, team_id=team_id, user_id=user_id, data=data, values=_values(view))
            await onboarding.publish_home(services, team_id, user_id)
        else:
            await checkins.save_answer(services, team_id=team_id, user_id=user_id,
                                       run_id=carried.row_id(data.get("r")), values=_values(view))

    async def answer(ack, body, view) -> None:
        await ack_form(ack, save(*submitter(body), view), views.field_errors, "progress")

    app.view(CallbackId.CHECKIN_ANSWER)(answer)
