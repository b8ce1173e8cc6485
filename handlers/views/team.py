"""The goal and metric form: field errors go back in the ack, so the form stays open."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.errors import UserError
from bot.services import Services
from bot.team import service
from bot.views import team as views
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views.mrkdwn import to_plain
from bot.views import carried

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
        user_id = (body.get("user") or {}).get("id") or ""
        team_id = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
        try:
            await service.set_objective_from_form(services, team_id=team_id, user_id=user_id,
                                                  project_id=_project_id(view), values=values)
        except service.FormErrors as exc:
            await ack(response_action="errors", errors=views.objective_field_errors(exc.errors))
            return
        except UserError as exc:
            # A refusal or a gone project: shown on the first field, as plain text.
            await ack(response_action="errors", errors=views.objective_field_errors({"goal": to_plain(exc.message)}))
            return
        await ack()

    app.view(CallbackId.SET_OBJECTIVE)(set_objective)
