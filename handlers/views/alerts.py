"""The *Start an iteration* form of an alert: submitting it moves the project back with the alert as reason."""

from __future__ import annotations

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
from bot.views import carried
from storage.queries import alerts as alert_rows


def _chosen_phase(view: dict) -> Phase:
    state = view.get("state") if isinstance(view.get("state"), dict) else {}
    values = state.get("values") if isinstance(state.get("values"), dict) else {}
    block = values.get(BlockId.ITERATION_PHASE) if isinstance(values.get(BlockId.ITERATION_PHASE), dict) else {}
    field = block.get(InputId.ITERATION_PHASE)
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
        group_id = carried.row_id(carried.small_json(view.get("private_metadata")).get("g"))
        try:
            if group_id is None:
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
