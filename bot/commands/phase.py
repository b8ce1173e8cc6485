"""`phase`, `phase next`, `phase set` and `phase history`: parse, call the lifecycle service, render."""

from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.lifecycle import parsing
from bot.dates import today_in
from bot.lifecycle import service as lifecycle
from bot.lifecycle import targets
from bot.lifecycle.timeline import timeline
from bot.permissions import Action
from bot.views import phase as views
from bot.views import targets as target_views
from storage.queries import lifecycle as lifecycle_rows
from storage.queries.targets import targets_of


async def show(invocation: Invocation) -> Reply:
    project = invocation.project
    ticks = await lifecycle_rows.ticks(invocation.reads, project.id, project.iteration)
    now, settings = invocation.services.clock.now(), invocation.services.settings
    target = target_views.phase_target_line(project.phase, await targets_of(invocation.reads, project.id),
                                            today_in(settings.default_timezone, now))
    return Reply(views.phase_card(project, ticks, now, settings.slash_command, target_line=target))


async def set_target(invocation: Invocation) -> Reply:
    phase, target = await targets.set_target(invocation.services, invocation.caller, invocation.project,
                                             invocation.args)
    return Reply(target_views.target_reply(phase, target))


async def next_phase(invocation: Invocation) -> Reply:
    note = parsing.note_from_command(invocation.args)
    return await _move(invocation, lifecycle.MoveRequest(None, note))


async def set_phase(invocation: Invocation) -> Reply:
    target, rest = parsing.split_phase(invocation.args)
    return await _move(invocation, lifecycle.MoveRequest(target, parsing.note_from_command(rest)))


async def _move(invocation: Invocation, request: lifecycle.MoveRequest) -> Reply:
    request = lifecycle.MoveRequest(request.target, request.note,
                                    request_key=lifecycle.request_key("cmd", invocation.request_key))
    outcome = await lifecycle.move(invocation.services, invocation.caller, invocation.project.id, request)
    slash = invocation.services.settings.slash_command
    if isinstance(outcome, lifecycle.NeedsReason):
        return Reply(views.reason_prompt(outcome.project, outcome.target, slash))
    if isinstance(outcome, lifecycle.NeedsConfirmation):
        return Reply(views.confirm_leaving(outcome.project, outcome.target, outcome.note, outcome.left_open, slash))
    return Reply(views.moved_reply(outcome.project, outcome.transition, repeated=outcome.repeated))


async def history(invocation: Invocation) -> Reply:
    project = invocation.project
    now = invocation.services.clock.now()
    rows = await invocation.services.histories.transitions(invocation.reads, project.id)
    return Reply(views.history_message(project, timeline(rows, now), now))


COMMANDS = [
    Command(("phase",), "the current phase with its CRISP-DM tasks and exit checklist", show, needs_project=True),
    Command(("phase", "next"), "move to the following phase", next_phase, args="[NOTE]",
            action=Action.CHANGE_PHASE, needs_project=True),
    Command(("phase", "set"), "move to any phase; moving back asks for a reason", set_phase, args="PHASE [NOTE]",
            action=Action.CHANGE_PHASE, needs_project=True),
    Command(("phase", "history"), "every move with who, when, note and time spent", history, needs_project=True),
    Command(("phase", "target"), "when a phase should end; status shows days ahead or behind", set_target,
            args="PHASE YYYY-MM-DD", action=Action.SET_TARGETS, needs_project=True),
]
