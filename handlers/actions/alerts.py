"""Buttons on alert messages: parse the press, hand it to the alerts service; answers go through the outbox."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.alerts import actions as alert_actions
from bot.alerts import iteration
from bot.alerts import storm_actions
from bot.errors import Refused, UserError
from bot.onboarding import service as onboarding
from bot.services import Services
from bot.views import replies
from bot.team.access import refusal_text
from bot.views.ids import ActionId
from bot.views import carried
from handlers.modals import modal_opener
from storage.queries import alerts as alert_rows

ALERT_BUTTONS = (ActionId.ALERT_ACK, ActionId.ALERT_RESOLVE, ActionId.ALERT_SILENCE, ActionId.ALERT_UNSILENCE,
                 ActionId.ALERT_USEFUL, ActionId.ALERT_NOISE)


def _id_of(value: Any) -> str:
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else ""


def _value_of(action: dict[str, Any]) -> str | None:
    """A button's value, or the chosen option's of an overflow menu."""
    option = action.get("selected_option")
    if isinstance(option, dict) and isinstance(option.get("value"), str):
        return option["value"]
    return action.get("value") if isinstance(action.get("value"), str) else None


def register(app: AsyncApp, services: Services) -> None:
    async def on_alert_button(ack, body, action) -> None:
        await ack()
        channel_id, team_id, user_id = _id_of(body.get("channel")), _id_of(body.get("team")), _id_of(body.get("user"))
        try:
            pressed = alert_actions.parse_press(action.get("action_id", ""), _value_of(action))
            answer = await alert_actions.press(services, team_id=team_id, user_id=user_id, pressed=pressed)
        except UserError as exc:
            answer = None
            if channel_id:
                await onboarding.tell_privately(services, team_id, channel_id, user_id,
                                                replies.error(exc.message, hint=exc.hint,
                                                              slash=services.settings.slash_command))
        if answer and channel_id:
            await onboarding.tell_privately(services, team_id, channel_id, user_id, alert_actions.thanks(answer))

    async def on_storm_ack(ack, body, action) -> None:
        await ack()
        channel_id, team_id, user_id = _id_of(body.get("channel")), _id_of(body.get("team")), _id_of(body.get("user"))
        try:
            storm_id = carried.row_id(carried.small_json(action.get("value")).get("s"))
            if storm_id is None:
                raise UserError("That button is not one Crisp made.")
            await storm_actions.acknowledge_storm(services, team_id=team_id, user_id=user_id, storm_id=storm_id)
        except UserError as exc:
            if channel_id:
                await onboarding.tell_privately(services, team_id, channel_id, user_id,
                                                replies.error(exc.message, slash=services.settings.slash_command))

    async def on_start_iteration(ack, body, action, client) -> None:
        """Opens the form (the one Slack call allowed on the ack path); a refusal names the project's leads."""
        await ack()
        channel_id, team_id, user_id = _id_of(body.get("channel")), _id_of(body.get("team")), _id_of(body.get("user"))
        trigger_id = body.get("trigger_id") if isinstance(body.get("trigger_id"), str) else None
        try:
            pressed = alert_actions.parse_press(action.get("action_id", ""), _value_of(action))
            view = await iteration.form(services, team_id=team_id, user_id=user_id, group_id=pressed.group_id,
                                        channel_id=channel_id)
            await modal_opener(client, trigger_id, before_call=services.db.release_reads)(view)
        except UserError as exc:
            text = exc.message
            if isinstance(exc, Refused):
                text = await refusal_text(services, exc, await _project_of(pressed.group_id))
            if channel_id:
                await onboarding.tell_privately(services, team_id, channel_id, user_id,
                                                replies.error(text, hint=exc.hint,
                                                              slash=services.settings.slash_command))

    async def _project_of(group_id: int) -> int | None:
        async with services.db.read() as session:
            group = await alert_rows.get_group(session, group_id)
        return group.project_id if group is not None else None

    for action_id in ALERT_BUTTONS:
        app.action(action_id)(on_alert_button)
    app.action(ActionId.ALERT_START_ITERATION)(on_start_iteration)
    app.action(ActionId.ALERT_STORM_ACK)(on_storm_ack)
