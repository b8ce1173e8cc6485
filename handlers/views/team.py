"""The goal and metric form: field errors go back in the ack, so the form stays open."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from bot.team import service
from bot.views import team as views
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views import carried
from handlers.views.form_ack import ack_form
from handlers.views.state import submitter

FIELDS = {"goal": (BlockId.PROJECT_GOAL, InputId.PROJECT_GOAL),
          "success_metric": (BlockId.PROJECT_METRIC, InputId.PROJECT_METRIC)}


def _project_id(view: dict) -> int | None:
    return carried.row_id(carried.small_json(view.get("private_metadata")).get("project"))


def register(app: AsyncApp, services: Services) -> None:
    async def set_objective(ack, body, view) -> None:
        state = (view.get("state") or {}).get("values") or {}
        # A field the submission does not carry stays as stored; one emptied by the person clears it.
        values = {column: state[block][action].get("value") for column, (block, action) in FIELDS.items()
                  if isinstance(state.get(block), dict) and isinstance(state[block].get(action), dict)}
        team_id, user_id = submitter(body)
        await ack_form(ack, service.set_objective_from_form(services, team_id=team_id, user_id=user_id,
                                                            project_id=_project_id(view), values=values),
                       views.objective_field_errors, "goal")

    app.view(CallbackId.SET_OBJECTIVE)(set_objective)
