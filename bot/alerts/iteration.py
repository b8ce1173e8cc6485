"""Closing CRISP-DM's loop from an alert: a drift or performance alert on a project in deployment offers
*Start an iteration*, which moves the phase back (data understanding unless another phase is chosen) with
the alert as the reason.

The move itself is bot.lifecycle.service.move (one transaction, announced, keyed by the form's view id so
Slack's retries move once). The alert's side follows in a transaction of its own, keyed by the transition
(`alert:<group>:iteration:<transition>`): a thread reply naming the move and an edit of the message (the
button goes, the project having left deployment). A retry of the same submission finds the move made and
writes whatever of the alert's side is still missing, so a crash between the two loses nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.crisp_dm import Phase
from bot.errors import UserError
from bot.lifecycle import service as lifecycle
from bot.permissions import Action
from bot.services import Services
from bot.views import alert_ops as views
from storage.queries import alerts as alert_rows
from storage.queries import audit
from storage.queries import lifecycle as lifecycle_rows
from storage.tables import AlertGroup, Project

ITERATION_KINDS = frozenset({"drift", "performance"})
DEFAULT_TARGET = Phase.DATA_UNDERSTANDING
NOTE_LIMIT = 500
KIND_TITLES = {"drift": "Drift alert", "performance": "Performance alert"}


async def offers_iteration(session: AsyncSession, group: AlertGroup) -> bool:
    """Whether the group's message shows *Start an iteration*."""
    if group.kind not in ITERATION_KINDS or group.project_id is None:
        return False
    project = await lifecycle_rows.active_project(session, group.project_id)
    return project is not None and project.phase == Phase.DEPLOYMENT.value


def reason(group: AlertGroup) -> str:
    """The transition's note: names the alert, so `phase history` leads back to it."""
    note = f"{KIND_TITLES.get(group.kind, 'Alert')}: {group.title} (alert #{group.id})"
    if len(note) <= NOTE_LIMIT:
        return note
    cut = NOTE_LIMIT - len(f" (alert #{group.id})") - 1
    return f"{KIND_TITLES.get(group.kind, 'Alert')}: {group.title}"[:cut] + f"… (alert #{group.id})"


@dataclass(frozen=True)
class Offer:
    group: AlertGroup
    project: Project


async def _offer(services: Services, group_id: int) -> Offer:
    async with services.db.read() as session:
        group = await alert_rows.get_group(session, group_id)
        if group is None:
            raise UserError("Crisp no longer knows this alert.")
        if group.kind not in ITERATION_KINDS or group.project_id is None:
            raise UserError("Only drift and performance alerts of a project start an iteration.")
        project = await lifecycle_rows.active_project(session, group.project_id)
    if project is None:
        raise UserError("That project is archived; its phase no longer changes.")
    if project.phase != Phase.DEPLOYMENT.value:
        raise UserError(f"The project is in *{Phase(project.phase).title}* now, not deployment: "
                        "an iteration has started already; nothing changed.")
    return Offer(group, project)


async def form(services: Services, *, team_id: str, user_id: str, group_id: int, channel_id: str) -> dict:
    """The modal for the button (the caller may move phases, the project is in deployment). Raises
    Refused (naming the action) or UserError."""
    offer = await _offer(services, group_id)
    if not alert_rows.belongs_to(offer.group, team_id):
        raise UserError("Only drift and performance alerts of a project start an iteration.")
    caller = await lifecycle.caller_in(services, team_id, user_id, offer.project.id)
    caller.require(Action.CHANGE_PHASE)
    return views.iteration_modal(offer.group, offer.project, DEFAULT_TARGET, channel_id=channel_id)


async def start(services: Services, *, team_id: str, user_id: str, group_id: int, target: Phase,
                request_key: str | None) -> lifecycle.MoveOutcome:
    """Move the alert's project back to `target` with the alert as the reason."""
    if target.number >= Phase.DEPLOYMENT.number:
        raise UserError("Pick an earlier phase to go back to.")
    async with services.db.read() as session:
        group = await alert_rows.get_group(session, group_id)
    if group is None or group.project_id is None or group.kind not in ITERATION_KINDS \
            or not alert_rows.belongs_to(group, team_id):
        raise UserError("Only drift and performance alerts of a project start an iteration.")
    caller = await lifecycle.caller_in(services, team_id, user_id, group.project_id)
    request = lifecycle.MoveRequest(target, reason(group), request_key=request_key, confirmed=True,
                                    expected_phase=Phase.DEPLOYMENT)
    outcome = await lifecycle.move(services, caller, group.project_id, request)
    if isinstance(outcome, lifecycle.Moved):
        await _link_alert(services, group_id, outcome, user_id)
    return outcome


async def _link_alert(services: Services, group_id: int, moved: lifecycle.Moved, user_id: str) -> None:
    from bot.alerts.message import edit_group_message  # noqa: PLC0415 (message renders with offers_iteration)

    transition = moved.transition
    key = f"alert:{group_id}:iteration:{transition.id}"
    async with services.db.transaction() as session:
        group = await alert_rows.get_group(session, group_id, lock=True)
        if group is None or group.message_key is None or group.team_id is None:
            return
        note = views.iteration_note(moved.project, transition, user_id)
        if await services.outbox.post(session, group.team_id, group.channel_id, note, key=key,
                                      thread_of=group.message_key, requested_by=user_id) is None:
            return  # done by an earlier delivery of the same submission
        await audit.record(session, team_id=group.team_id, project_id=group.project_id, actor_id=user_id,
                           action="alert.iteration", now=services.clock.now(), group=group.id,
                           transition=transition.id, to_phase=transition.to_phase)
        await edit_group_message(services, session, group, requested_by=user_id)
