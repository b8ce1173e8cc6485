"""The check-in questions form: bad fields go back as field errors and nothing is stored."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.checkins import questions
from bot.services import Services
from bot.views import carried
from bot.views import checkin_questions as views
from bot.views.ids import BlockId, CallbackId, InputId
from handlers.views.form_ack import ack_form
from handlers.views.state import submitter


def _values(view: dict[str, Any]) -> dict[str, Any]:
    """{question key: text typed} for every question field the submission carries."""
    state = (view.get("state") or {}).get("values") or {}
    values: dict[str, Any] = {}
    for block, actions in state.items() if isinstance(state, dict) else ():
        if isinstance(block, str) and block.startswith(BlockId.CHECKIN_QUESTION_PREFIX) and isinstance(actions, dict):
            element = actions.get(InputId.CHECKIN_QUESTION)
            values[block.removeprefix(BlockId.CHECKIN_QUESTION_PREFIX)] = (
                element.get("value") if isinstance(element, dict) else None)
    return values


def register(app: AsyncApp, services: Services) -> None:
    async def save(ack, body, view) -> None:
        team_id, user_id = submitter(body)
        project_id = carried.row_id(carried.small_json(view.get("private_metadata")).get("project"))
        await ack_form(ack, questions.save_from_form(services, team_id=team_id, user_id=user_id,
                                                     project_id=project_id, values=_values(view)),
                       views.field_errors, "progress")

    app.view(CallbackId.CHECKIN_QUESTIONS)(save)
