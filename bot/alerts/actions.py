"""The buttons on an alert message: Acknowledge, Resolve, Silence / Unsilence, Useful / Noise.

Each press is one transaction: the change, its audit row, an edit of the group's message and a short
thread reply saying who did what. Who may press: in a project's channel, members of the project team
(anyone holding a role) and Crisp admins may acknowledge, resolve and silence; feedback (Useful /
Noise) is open to anyone who sees the message. Groups that reached no project (ALERT_CHANNEL) have no
team, so anyone in that channel may act on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.alerts import silences
from bot.alerts.message import edit_group_message
from bot.errors import UserError
from bot.permissions import Action, Caller
from bot.services import Services
from bot.views import alerts as views
from bot.views import carried
from bot.views.ids import ActionId
from bot.views.mrkdwn import escape, user
from storage.queries import alerts as alert_rows
from storage.queries import audit, team
from storage.tables import AlertGroup

SILENCES = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "24h": timedelta(hours=24), "resolved": None}
SILENCE_WORDS = {"1h": "for 1 hour", "4h": "for 4 hours", "24h": "for 24 hours", "resolved": "until it resolves"}
TEAM_ACTIONS = {ActionId.ALERT_ACK, ActionId.ALERT_RESOLVE, ActionId.ALERT_SILENCE, ActionId.ALERT_UNSILENCE}
FEEDBACK = {ActionId.ALERT_USEFUL: "useful", ActionId.ALERT_NOISE: "noise"}


@dataclass(frozen=True)
class Press:
    action_id: str
    group_id: int
    choice: str | None = None  # the silence length


def parse_press(action_id: str, value: str | None) -> Press:
    """A button's value (or the chosen overflow option's) as our views wrote it; anything else is refused."""
    data = carried.small_json(value)
    group_id, choice = carried.row_id(data.get("g")), data.get("for")
    if group_id is None:
        raise UserError("That button is not one Crisp made.")
    if action_id == ActionId.ALERT_SILENCE and choice not in SILENCES:
        raise UserError("Pick how long to silence the alert: 1 hour, 4 hours, 24 hours or until resolved.")
    return Press(action_id, group_id, choice if action_id == ActionId.ALERT_SILENCE else None)


async def press(services: Services, *, team_id: str, user_id: str, pressed: Press) -> str | None:
    """Apply a press. Returns a private acknowledgement for the presser (feedback), else None."""
    async with services.db.transaction() as session:
        group = await alert_rows.get_group(session, pressed.group_id, lock=True)
        if group is None or not alert_rows.belongs_to(group, team_id):
            raise UserError("Crisp no longer knows this alert.")
        roles = await team.roles_of(session, group.project_id, user_id) if group.project_id else frozenset()
        caller = Caller(team_id=team_id, user_id=user_id, is_admin=services.is_admin(user_id), roles=roles)
        if pressed.action_id in FEEDBACK:
            verdict = FEEDBACK[pressed.action_id]
            await alert_rows.record_feedback(session, team_id=team_id, group=group, user_id=user_id, verdict=verdict,
                                             now=services.clock.now())
            await audit.record(session, team_id=team_id, project_id=group.project_id, actor_id=user_id,
                               action=f"alert.{verdict}", now=services.clock.now(), group=group.id, rule=group.rule)
            return f"Thanks — noted that *{escape(group.title)}* was {verdict}. It helps judge this alert rule."
        if group.project_id is not None:
            caller.require(Action.CONTRIBUTE)
        note = await _apply(services, session, group, pressed, user_id)
        await audit.record(session, team_id=team_id, project_id=group.project_id, actor_id=user_id,
                           action=f"alert.{pressed.action_id.rsplit('.', 1)[-1]}", now=services.clock.now(),
                           group=group.id, **({"for": pressed.choice} if pressed.choice else {}))
        await session.flush()
        if await edit_group_message(services, session, group, requested_by=user_id):
            await services.outbox.post(session, group.team_id, group.channel_id, views.action_note(note),
                                       thread_of=group.message_key, requested_by=user_id)
    return None


def thanks(text: str) -> dict:
    return views.action_note(text)


async def _apply(services: Services, session, group: AlertGroup, pressed: Press, user_id: str) -> str:
    now = services.clock.now()
    who = user(user_id)
    action = pressed.action_id
    if action != ActionId.ALERT_UNSILENCE and group.status == "resolved":
        raise UserError(f"*{escape(group.title)}* is resolved already.")
    if action == ActionId.ALERT_ACK:
        if group.acked_by:
            raise UserError(f"{user(group.acked_by)} acknowledged *{escape(group.title)}* already.")
        group.acked_by, group.acked_at = user_id, now
        return f":eyes: Acknowledged by {who}."
    if action == ActionId.ALERT_RESOLVE:
        for alert in await alert_rows.alerts_of(session, group.id):
            if alert.status == "firing":
                alert.status, alert.ends_at = "resolved", now
            alert.relayed_status = "resolved"
            alert.digest = ""  # the sender saying "firing" again opens it again
        group.status, group.resolved_at, group.resolved_by = "resolved", now, user_id
        group.firing_count = 0
        group.relayed_status = "resolved"
        group.silenced_until, group.silenced_until_resolved, group.silenced_by = None, False, None
        silences.cancel(group)
        return f":white_check_mark: Resolved by {who} by hand; it fired for {views.duration(now - group.started_at)}."
    if action == ActionId.ALERT_SILENCE:
        span = SILENCES[pressed.choice]
        group.silenced_until = now + span if span is not None else None
        group.silenced_until_resolved = span is None
        group.silenced_by = user_id
        also = " An Alertmanager silence is being made too." if silences.request(services, group) else ""
        return f":zzz: Silenced {SILENCE_WORDS[pressed.choice]} by {who}: changes are not posted until then.{also}"
    if action == ActionId.ALERT_UNSILENCE:
        if not (group.silenced_until_resolved or (group.silenced_until and group.silenced_until > now)):
            raise UserError(f"*{escape(group.title)}* is not silenced.")
        group.silenced_until, group.silenced_until_resolved, group.silenced_by = None, False, None
        silences.cancel(group)
        return f":bell: Unsilenced by {who}."
    raise UserError("That button is not one Crisp made.")
