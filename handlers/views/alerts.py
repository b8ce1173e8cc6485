"""The *Start an iteration* form of an alert: submitting it moves the project back with the alert as reason."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.alerts import iteration
from bot.crisp_dm import Phase
from bot.errors import Refused, UserError
from bot.lifecycle import service as lifecycle
from bot.services import Services
from bot.team.access import refusal_text
from bot.views import alert_ops as views
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views.mrkdwn import to_plain
from storage.queries import alerts as alert_rows


def _metadata(view: dict) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _chosen_phase(view: dict) -> Phase:
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(BlockId.ITERATION_PHASE) or {}).get(InputId.ITERATION_PHASE) or {}
    option = field.get("selected_option") if isinstance(field, dict) else None
    raw = option.get("value") if isinstance(option, dict) else None
    if raw is None:
        return iteration.DEFAULT_TARGET
    try:
        return Phase(raw)
    except ValueError:
        raise UserError("Pick one of the phases listed.") from None


def register(app: AsyncApp, services: Services) -> None:
    async def start_iteration(ack, body, view) -> None:
        user_id = (body.get("user") or {}).get("id") or ""
        team_id = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
        data = _metadata(view)
        group_id = data.get("g")
        try:
            if not isinstance(group_id, int) or isinstance(group_id, bool):
                raise UserError("This form is not one of Crisp's; nothing changed.")
            # One form makes one move, however often Slack delivers its submission.
            key = lifecycle.request_key("alertview", view.get("id") or body.get("trigger_id"))
            await iteration.start(services, team_id=team_id, user_id=user_id, group_id=group_id,
                                  target=_chosen_phase(view), request_key=key)
        except UserError as exc:
            text = exc.message
            if isinstance(exc, Refused):
                async with services.db.read() as session:
                    group = await alert_rows.get_group(session, group_id)
                text = await refusal_text(services, exc, group.project_id if group is not None else None)
            await ack(response_action="errors", errors=views.iteration_field_error(to_plain(text)))
            return
        await ack()

    app.view(CallbackId.ALERT_ITERATION)(start_iteration)
