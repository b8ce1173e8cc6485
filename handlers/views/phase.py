"""The reason form for moving a project back: submitting it makes the move."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.crisp_dm import Phase
from bot.errors import UserError
from bot.lifecycle import parsing
from bot.lifecycle import service as lifecycle
from bot.services import Services
from bot.views import phase as views
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views.mrkdwn import to_plain
from bot.views import carried


def _metadata(view: dict) -> dict[str, Any]:
    return carried.small_json(view.get("private_metadata"))


def register(app: AsyncApp, services: Services) -> None:
    async def move_back(ack, body, view) -> None:
        values = (view.get("state") or {}).get("values") or {}
        typed = ((values.get(BlockId.PHASE_REASON) or {}).get(InputId.PHASE_REASON) or {}).get("value")
        user_id = (body.get("user") or {}).get("id") or ""
        team_id = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
        data = _metadata(view)
        try:
            reason = parsing.note_from_form(typed if isinstance(typed, str) else "")
            if reason is None:
                raise UserError("Say why the project moves back: the team sees it in the announcement.")
            project_id, channel_id = carried.row_id(data.get("p")), data.get("c")
            if project_id is None or not isinstance(channel_id, str):
                raise UserError("This form is not one of Crisp's; nothing changed.")
            try:
                target, seen = Phase(data.get("to")), Phase(data.get("frm"))
            except ValueError:
                raise UserError("This form is not one of Crisp's; nothing changed.") from None
            # One form makes one move, however often Slack delivers its submission.
            key = lifecycle.request_key("view", view.get("id") or body.get("trigger_id"))
            request = lifecycle.MoveRequest(target, reason, request_key=key, confirmed=True, expected_phase=seen)
            response_url = data.get("r")
            respond_to = (channel_id, response_url) if isinstance(response_url, str) and response_url else None
            caller = await lifecycle.caller_in(services, team_id, user_id, project_id)
            await lifecycle.move(services, caller, project_id, request, respond_to=respond_to)
        except UserError as exc:
            await ack(response_action="errors", errors=views.reason_field_error(to_plain(exc.message)))
            return
        await ack()

    app.view(CallbackId.PHASE_REASON)(move_back)
