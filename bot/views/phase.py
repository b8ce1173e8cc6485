"""The phase card with its exit checklist, phase moves (answers, announcements, prompts, the reason form)
and the phase history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.crisp_dm import GENERIC_TASKS, GenericTask, Phase, Role
from bot.lifecycle.timeline import Timeline, Visit, duration_text
from bot.views.blocks import actions, button, context, header, message, plain, section
from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from bot.views.mrkdwn import escape, slack_date, user
from bot.views.phase_time import day_in_phase
from bot.views.status import gist
from storage.queries.lifecycle import TickRow, TransitionRow
from storage.tables import Project

SECTION_BUDGET = 2900
HISTORY_LINES = 30       # at most this many moves listed one by one; older ones are summed up
# Characters of listed moves: with notes of up to 500 characters each, the newest that fit are listed, so a
# message stays well below the ~13k characters of blocks Slack has been seen to refuse.
HISTORY_BUDGET = 9000


def _value(**data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _task_line(task: GenericTask) -> str:
    return f"*{escape(task.title)}*\nOutputs: {escape('; '.join(task.outputs))}"


def _phase_label(phase: Phase) -> str:
    return f"{phase.title} (phase {phase.number} of 6)"


# -- the card ------------------------------------------------------------------------------------------

def phase_card(project: Project, ticks: dict[str, TickRow], now: datetime, slash: str, *,
               target_line: str | None = None) -> dict[str, Any]:
    """`phase`: where the project is (and how far from the phase's target, bot.views.targets), and its
    phase's CRISP-DM generic tasks as the exit checklist, each with its outputs and a button to tick or
    untick it."""
    phase = Phase(project.phase)
    tasks = GENERIC_TASKS[phase]
    done = sum(1 for task in tasks if task.key in ticks)
    blocks = [
        header(project.name),
        section(f"*{_phase_label(phase)}* · day {day_in_phase(project.phase_since, now)} · "
                f"iteration {project.iteration}\n"
                + (f"{target_line}\n" if target_line else "")
                + f"Exit checklist: {done} of {len(tasks)} generic tasks done"),
    ]
    lines = []
    for task in tasks:
        tick = ticks.get(task.key)
        mark = ":white_check_mark:" if tick else ":white_square:"
        text = f"{mark} {_task_line(task)}"
        if tick:
            text += f"\n_Ticked by {user(tick.ticked_by)} {slack_date(tick.ticked_at)}_"
        value = _value(p=project.id, t=task.key, i=project.iteration, on=tick is None)
        blocks.append({**section(text, accessory=button("Untick" if tick else "Tick", ActionId.PHASE_TICK,
                                                         value=value)),
                       "block_id": BlockId.PHASE_TASK_PREFIX + task.key})
        lines.append(f"[{'x' if tick else ' '}] {task.title}")
    following = phase.following()
    moves = f"`{slash} phase next [NOTE]` moves on to {following.title}" if following else \
        f"{phase.title} is the last phase"
    blocks.append(context(f"{moves} · `{slash} phase set PHASE [NOTE]` moves anywhere · "
                          f"`{slash} phase history` shows the timeline"))
    return message(gist(project, now) + "\n" + "\n".join(escape(line) for line in lines), blocks)


# -- moves ----------------------------------------------------------------------------------------------

def _open_list(phase: Phase, left_open: Sequence[GenericTask]) -> str:
    items = "\n".join(f"• {escape(task.title)}" for task in left_open)
    return f"*Left open in {phase.title}* ({len(left_open)} of {len(GENERIC_TASKS[phase])}):\n{items}"


def moved_announcement(project_name: str, transition: TransitionRow, left_open: Sequence[GenericTask],
                       slash: str) -> dict[str, Any]:
    """Posted in the channel for every move: who moved it where, why, and what the phase left behind."""
    name = escape(project_name)
    before, after = Phase(transition.from_phase), Phase(transition.to_phase)
    if transition.backward:
        lead = (f":leftwards_arrow_with_hook: {user(transition.actor_id)} moved *{name}* back from "
                f"*{before.title}* to *{_phase_label(after)}*: iteration {transition.iteration} begins.")
        gist_line = f"{name} moved back: {before.title} → {after.title} (iteration {transition.iteration})"
    else:
        lead = (f":arrow_right: {user(transition.actor_id)} moved *{name}* from *{before.title}* to "
                f"*{_phase_label(after)}*.")
        gist_line = f"{name} moved on: {before.title} → {after.title}"
    blocks = [section(lead)]
    text = [gist_line]
    if transition.note:
        label = "Reason" if transition.backward else "Note"
        blocks.append(section(f"*{label}:* {escape(transition.note)}"))
        text.append(f"{label}: {escape(transition.note)}")
    if left_open:
        blocks.append(section(_open_list(before, left_open)))
        text.append(f"Left open in {before.title}: " + "; ".join(escape(task.title) for task in left_open))
    blocks.append(context(f"`{slash} phase` shows the {after.title} checklist · `{slash} phase history` the timeline"))
    return message("\n".join(text), blocks)


def missing_roles_warning(project_name: str, phase: Phase, missing: Sequence[Role], slash: str) -> dict[str, Any]:
    """Posted when a project enters a phase that expects roles nobody holds."""
    name = escape(project_name)
    roles = ", ".join(role.title for role in missing)
    them = "this role" if len(missing) == 1 else "these roles"
    return message(f"{name} is in {phase.title} without: {roles}", [
        section(f":warning: *{name}* is now in *{phase.title}*, which expects {them}, held by nobody yet: "
                f"*{roles}*."),
        context(f"Assign with `{slash} role add @user ROLE` · `{slash} roles` shows who holds what"),
    ])


def moved_reply(project: Project, moved_to: TransitionRow, *, repeated: bool = False) -> dict[str, Any]:
    """The answer to the person who moved it."""
    name = escape(project.name)
    after = Phase(moved_to.to_phase)
    how = f"back to *{after.title}*: iteration {moved_to.iteration} begins" if moved_to.backward else \
        f"to *{after.title}*"
    said = f":white_check_mark: Moved *{name}* {how}. It is announced in this channel."
    if repeated:
        said = f":white_check_mark: Already done: *{name}* was moved {how}."
    return message(f"Moved {name} to {after.title}.", [section(said)])


def confirm_leaving(project: Project, target: Phase, note: str | None, left_open: Sequence[GenericTask],
                    slash: str) -> dict[str, Any]:
    """Leaving a phase with open checklist items: they are listed, and a button moves anyway."""
    name = escape(project.name)
    current = Phase(project.phase)
    value = _value(p=project.id, to=target.value, frm=current.value, note=note)
    return message(f"{name}: {len(left_open)} exit items of {current.title} are still open", [
        section(f":raised_hand: *{name}* would leave *{current.title}* for *{target.title}* with items of its exit "
                f"checklist still open.\n" + _open_list(current, left_open)),
        actions(button(f"Move to {target.title} anyway", ActionId.PHASE_MOVE_ANYWAY, value=value, style="danger")),
        context(f"Or tick them first: `{slash} phase` shows the checklist. The announcement will name what is left open."),
    ])


def reason_prompt(project: Project, target: Phase, slash: str) -> dict[str, Any]:
    """Moving back without a reason: a button opens the form that asks for one."""
    name = escape(project.name)
    current = Phase(project.phase)
    value = _value(p=project.id, to=target.value, frm=current.value)
    return message(f"Moving {name} back to {target.title} needs a reason", [
        section(f":leftwards_arrow_with_hook: Moving *{name}* back from *{current.title}* to *{target.title}* starts "
                f"iteration {project.iteration + 1}. The team will want to know why."),
        actions(button("Give a reason", ActionId.PHASE_OPEN_REASON, value=value, style="primary")),
        context(f"Or type it: `{slash} phase set {target.value} REASON`"),
    ])


def reason_modal(project: Project, target: Phase, left_open: Sequence[GenericTask], *, channel_id: str,
                 response_url: str | None = None) -> dict[str, Any]:
    """The form asking why the project moves back; submitting it makes the move."""
    name = escape(project.name)
    current = Phase(project.phase)
    blocks = [section(f"*{name}* moves back from *{current.title}* to *{target.title}*; iteration "
                      f"{project.iteration + 1} begins.")]
    if left_open:
        blocks.append(section(_open_list(current, left_open) + "\nMoving back leaves them open; "
                              "the announcement names them."))
    blocks.append({"type": "input", "block_id": BlockId.PHASE_REASON, "label": plain("Why move back?", 2000),
                   "element": {"type": "plain_text_input", "action_id": InputId.PHASE_REASON, "multiline": True,
                               "max_length": 500,
                               "placeholder": plain("e.g. the model overfits: the features need rework")}})
    metadata = {"p": project.id, "to": target.value, "frm": current.value, "c": channel_id}
    if response_url:
        metadata["r"] = response_url
    return {
        "type": "modal",
        "callback_id": CallbackId.PHASE_REASON,
        "title": plain("Move back", 24),
        "submit": plain("Move back", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "blocks": blocks,
    }


def reason_field_error(text: str) -> dict[str, str]:
    """Field errors for the reason form (plain text, in the form's words)."""
    return {BlockId.PHASE_REASON: text}


# -- history --------------------------------------------------------------------------------------------

def _history_line(visits: Sequence[Visit], index: int, now: datetime) -> str:
    visit = visits[index]
    entry = visit.entry
    if entry.from_phase is None:
        return f"{slack_date(entry.created_at)} · started in *{visit.phase.title}* · {user(entry.actor_id)}"
    arrow = ":leftwards_arrow_with_hook:" if entry.backward else ":arrow_right:"
    line = f"{slack_date(entry.created_at)} · {arrow} {Phase(entry.from_phase).title} → *{visit.phase.title}*"
    if entry.backward:
        line += f" (back; iteration {entry.iteration})"
    line += f" · {user(entry.actor_id)}"
    if index > 0:
        before = visits[index - 1]
        line += f" · after {duration_text(before.spent(now))} in {before.phase.title}"
    if entry.open_items:
        line += f" · {entry.open_items} item{'s' if entry.open_items != 1 else ''} left open"
    if entry.note:
        line += f"\n        “{escape(entry.note)}”"
    return line


def history_message(project: Project, timeline: Timeline, now: datetime) -> dict[str, Any]:
    """`phase history`: time per phase, then the moves with who, when, note and the time the phase they
    left had lasted; older moves are summed up so a long history stays within Slack's limits."""
    name = escape(project.name)
    current = Phase(project.phase)
    moves = timeline.moves
    back = timeline.iterations_back
    gist_line = (f"{name} phase history: {moves} move{'s' if moves != 1 else ''}, now in {current.title} "
                 f"(iteration {project.iteration})")
    totals = "\n".join(f"{phase.title}: {duration_text(spent)}" + (f" ({visits} visits)" if visits > 1 else "")
                       for phase, spent, visits in timeline.totals())
    blocks = [
        header(f"{project.name}: phase history"),
        section(f"*{moves}* move{'s' if moves != 1 else ''} · {back} back · now in *{current.title}*, "
                f"iteration {project.iteration}", fields=[f"*Time per phase*\n{totals}"]),
    ]
    visits = timeline.visits
    # Newest first, only as many as are shown: a long history costs no more to draw than a short one.
    shown: list[str] = []
    used = 0
    for index in range(len(visits) - 1, -1, -1):
        line = _history_line(visits, index, now)
        if len(shown) == HISTORY_LINES or (shown and used + len(line) > HISTORY_BUDGET):
            break
        shown.insert(0, line)
        used += len(line) + 1
    hidden = len(visits) - len(shown)
    if hidden and visits[0].entry.from_phase is None:
        hidden -= 1  # the start is not a move
        blocks.append(context(f"Started {slack_date(visits[0].entry.created_at)}; …and {hidden} earlier "
                              f"move{'s' if hidden != 1 else ''} (counted in the totals above)"))
    elif hidden:
        blocks.append(context(f"…and {hidden} earlier move{'s' if hidden != 1 else ''} (counted in the totals above)"))
    chunk: list[str] = []
    for line in shown:
        if chunk and sum(len(piece) + 1 for piece in chunk) + len(line) > SECTION_BUDGET:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    blocks.append(context(f"Now {duration_text(visits[-1].spent(now)) if visits else '—'} in {current.title}"))
    return message(gist_line, blocks[:50])

