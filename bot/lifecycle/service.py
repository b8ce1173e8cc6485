"""Moving a project between CRISP-DM phases, and ticking its exit checklist.

A move is one transaction on the locked project row: the transition, the project's phase, the audit row,
the channel announcement and, when the new phase lacks a role it expects, a warning. Concurrent moves of
one project therefore happen one after another, each from the phase the previous one left it in. A request
carries a key (from Slack's trigger id), stored with its transition: Slack's retry of the same request finds
the move already made and answers the same, with nothing stored or announced twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from bot.crisp_dm import GENERIC_TASKS, TASKS_BY_KEY, GenericTask, Phase, Role, missing_roles
from bot.docs import requests as doc_requests
from bot.errors import UserError
from bot.permissions import Action, Caller
from bot.services import Services
from bot.views import phase as views
from bot.views.mrkdwn import escape
from storage.queries import alerts as alert_rows
from storage.queries import audit, lifecycle, team
from storage.queries.lifecycle import TickRow, TransitionRow
from storage.tables import Project


@dataclass(frozen=True)
class MoveRequest:
    target: Phase | None            # None: the phase after the current one
    note: str | None = None
    request_key: str | None = None  # the same for Slack's retries of one request
    confirmed: bool = False         # the person has seen the open checklist items and moves anyway
    expected_phase: Phase | None = None  # a button's or form's: the phase the person saw when asking


@dataclass(frozen=True)
class Moved:
    project: Project
    transition: TransitionRow
    left_open: tuple[GenericTask, ...] = ()
    missing: tuple[Role, ...] = ()
    repeated: bool = False          # a retry of a request whose move was already made


@dataclass(frozen=True)
class NeedsReason:
    """Moving back starts an iteration and needs a reason; none was given."""

    project: Project
    target: Phase
    left_open: tuple[GenericTask, ...] = ()


@dataclass(frozen=True)
class NeedsConfirmation:
    """Items of the exit checklist are open; the person is asked to move anyway."""

    project: Project
    target: Phase
    note: str | None
    left_open: tuple[GenericTask, ...] = field(default_factory=tuple)


MoveOutcome = Moved | NeedsReason | NeedsConfirmation


def open_items(phase: Phase, ticked: dict[str, TickRow] | set[str]) -> tuple[GenericTask, ...]:
    return tuple(task for task in GENERIC_TASKS[phase] if task.key not in ticked)


async def caller_in(services: Services, team_id: str, user_id: str, project_id: int) -> Caller:
    """The person pressing a button or submitting a form, with their roles in the project."""
    async with services.db.read() as session:
        roles = await team.roles_of(session, project_id, user_id)
    return Caller(team_id=team_id, user_id=user_id, is_admin=services.is_admin(user_id), roles=roles)


def request_key(kind: str, raw: str | None) -> str | None:
    """A stored key for one Slack request (its trigger id, which Slack's retries repeat)."""
    if not raw:
        return None
    key = f"{kind}:{raw}"
    return key if len(key) <= 120 else f"{kind}:sha256:{hashlib.sha256(raw.encode()).hexdigest()}"


async def move(services: Services, caller: Caller, project_id: int, request: MoveRequest, *,
               respond_to: tuple[str, str] | None = None) -> MoveOutcome:
    """With `respond_to` (channel, response_url), the prompt the move was made from is replaced by its
    answer in the same transaction."""
    caller.require(Action.CHANGE_PHASE)
    slash = services.settings.slash_command
    async with services.db.transaction() as session:
        project = await lifecycle.lock_project(session, project_id)
        if project is None or project.archived_at is not None:
            raise UserError("That project is archived; its phase no longer changes.")
        if request.request_key is not None:
            done = await lifecycle.by_request(session, project.id, request.request_key)
            if done is not None:
                return Moved(project, done, repeated=True)
        current = Phase(project.phase)
        if request.expected_phase is not None and request.expected_phase != current:
            raise UserError(f"*{escape(project.name)}* has moved on to *{current.title}* since; nothing changed.",
                            hint=f"`{slash} phase` shows where it stands now.")
        target = request.target or current.following()
        if target is None:
            raise UserError(f"*{escape(project.name)}* is in *{current.title}*, the last phase: there is no next one.",
                            hint=f"To go round again, move back with `{slash} phase set PHASE REASON`.")
        if target == current:
            raise UserError(f"*{escape(project.name)}* is already in *{current.title}*; nothing changed.",
                            hint=f"`{slash} phase` shows its checklist.")
        backward = target.number < current.number
        left_open = open_items(current, await lifecycle.ticks(session, project.id, project.iteration))
        if backward and not request.note:
            return NeedsReason(project, target, left_open)
        if left_open and not request.confirmed:
            return NeedsConfirmation(project, target, request.note, left_open)

        now = services.clock.now()
        iteration = project.iteration + 1 if backward else project.iteration
        transition = await lifecycle.add_transition(
            session, project_id=project.id, from_phase=current.value, to_phase=target.value, backward=backward,
            iteration=iteration, actor_id=caller.user_id, note=request.note, open_items=len(left_open),
            request_key=request.request_key, now=now)
        # The phase left is documented: its responsible roles are asked for its record (of the iteration left).
        await doc_requests.ask(services, session, project, phase=current, iteration=project.iteration,
                               requested_by=caller.user_id, now=now, transition_id=transition.id)
        # The locked row: flushed with the transaction.
        project.phase, project.phase_since, project.iteration = target.value, now, iteration
        await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="phase.moved", now=now, transition=transition.id, from_phase=current.value,
                           to_phase=target.value, backward=backward, iteration=iteration, note=request.note,
                           open_items=[task.key for task in left_open])
        if Phase.DEPLOYMENT in (current, target):
            await alert_rows.redraw_iteration_offers(session, project.id, now)
        held = {role for role, _ in await team.current_holders(session, project.id)}
        missing = missing_roles(target, held)
        key = f"phase:{project.id}:{transition.id}"
        await services.outbox.post(session, project.team_id, project.channel_id,
                                   views.moved_announcement(project.name, transition, left_open, slash),
                                   key=key, requested_by=caller.user_id)
        if missing:
            await services.outbox.post(session, project.team_id, project.channel_id,
                                       views.missing_roles_warning(project.name, target, missing, slash),
                                       key=f"{key}:gaps", requested_by=caller.user_id)
        if respond_to is not None:
            await redraw(services, session, project.team_id, respond_to, views.moved_reply(project, transition),
                         user_id=caller.user_id)
        return Moved(project, transition, left_open, missing)


@dataclass(frozen=True)
class Card:
    """What the phase card shows: the project and the ticks of its current iteration."""

    project: Project
    ticks: dict[str, TickRow]


async def set_tick(services: Services, caller: Caller, project_id: int, *, task_key: str, iteration: int,
                   ticked: bool, respond_to: tuple[str, str] | None = None) -> Card:
    """Tick (or untick) an item of the current phase's checklist in the current iteration. With
    `respond_to` (channel, response_url) the card the button sits on is redrawn through the outbox."""
    caller.require(Action.CONTRIBUTE)
    task = TASKS_BY_KEY.get(task_key)
    if task is None:
        raise UserError("That checklist item does not exist; nothing changed.")
    slash = services.settings.slash_command
    async with services.db.transaction() as session:
        project = await lifecycle.lock_project(session, project_id)
        if project is None or project.archived_at is not None:
            raise UserError("That project is archived; its checklist no longer changes.")
        if Phase(project.phase) != task.phase or project.iteration != iteration:
            raise UserError(f"This card is out of date: *{escape(project.name)}* is now in "
                            f"*{Phase(project.phase).title}*, iteration {project.iteration}. Nothing changed.",
                            hint=f"`{slash} phase` shows the current checklist.")
        now = services.clock.now()
        if ticked:
            changed = await lifecycle.tick(session, project_id=project.id, iteration=iteration, task_key=task.key,
                                           user_id=caller.user_id, now=now)
        else:
            changed = await lifecycle.untick(session, project_id=project.id, iteration=iteration, task_key=task.key)
        if changed:
            await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                               action="checklist.ticked" if ticked else "checklist.unticked", now=now,
                               task=task.key, phase=task.phase.value, iteration=iteration)
        card = Card(project, await lifecycle.ticks(session, project.id, iteration))
        if respond_to is not None:
            await redraw(services, session, project.team_id, respond_to,
                         views.phase_card(project, card.ticks, now, slash), user_id=caller.user_id)
    return card


async def redraw(services: Services, session, team_id: str, respond_to: tuple[str, str], message: dict[str, Any],
                 *, user_id: str) -> None:
    """Replace the ephemeral message a button sits on (through its response_url); where Slack gave no
    usable response_url, show the new version as a fresh ephemeral message instead."""
    channel_id, response_url = respond_to
    if services.outbox.may_respond(response_url):
        await services.outbox.respond(session, team_id, channel_id, response_url, message, requested_by=user_id)
    else:
        await services.outbox.ephemeral(session, team_id, channel_id, user_id, message, requested_by=user_id)


async def tell(services: Services, team_id: str, respond_to: tuple[str, str], message: dict[str, Any], *,
               user_id: str) -> None:
    """An answer to a button press, in a transaction of its own (the press has no HTTP answer to carry it)."""
    async with services.db.transaction() as session:
        await redraw(services, session, team_id, respond_to, message, user_id=user_id)
