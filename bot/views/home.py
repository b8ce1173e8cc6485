"""The App Home tab: the person's projects (roles, what waits on them), then the team's other projects."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.crisp_dm import GenericTask, Phase, Role
from bot.views import alert_ops
from bot.views.checkins import answer_button
from bot.views.docs import home_line, home_submit_buttons, home_unassigned_line
from bot.views.blocks import Block, actions, button, context, divider, header, section
from bot.views.ids import ActionId
from bot.views.mrkdwn import channel, escape, slack_date
from bot.views.phase_time import day_in_phase
from bot.views.team import role_title
from storage.tables import DocRequest, Project, ScheduleRun

HOME_BLOCK_LIMIT = 100
# Each of the person's projects takes two blocks; the rest of the team's share sections of lines.
MINE_AT_MOST = 35
LINES_PER_SECTION = 12
TASKS_NAMED_AT_MOST = 4
SUBMIT_BUTTONS_AT_MOST = 5  # per project, for records nobody was asked for
# Blocks kept free below the person's projects: "…and N more of yours", the other projects' divider, title,
# one section and "…and N more", and the footer.
RESERVED_BELOW_MINE = 6


@dataclass(frozen=True)
class OpenCheckin:
    """A check-in run open now that asked the person (its DM's button opens the same form)."""

    run: ScheduleRun
    answered: bool
    closes_at: datetime | None


@dataclass(frozen=True)
class MyProject:
    """One of the person's projects: their roles there, and what waits on them."""

    project: Project
    roles: tuple[str, ...]
    stakeholder: bool
    missing: tuple[Role, ...] = ()                    # roles the phase lacks (shown to those who lead it)
    open_tasks: tuple[GenericTask, ...] | None = None  # checklist items open now (None: not theirs to tick)
    open_alerts: int = 0                               # firing alert groups of the project
    unacknowledged_alerts: int = 0
    docs_asked: tuple[DocRequest, ...] = ()            # open documentation requests that asked the person
    # The next slot of the project's check-in ({"s": schedule id, "t": slot} for the Answer early button, and
    # when it is), shown to members.
    next_checkin: tuple[dict[str, int], datetime] | None = None
    answered_early: bool = False                       # for that next slot
    open_checkin: OpenCheckin | None = None
    # Open documentation requests that asked nobody, shown to the project's leads with a Submit button.
    docs_unassigned: tuple[DocRequest, ...] = ()


def project_line(project: Project, now: datetime) -> str:
    phase = Phase(project.phase)
    return (f"*{escape(project.name)}* in {channel(project.channel_id)}\n"
            f"{phase.title} (phase {phase.number} of 6) · day {day_in_phase(project.phase_since, now)} · "
            f"iteration {project.iteration}")


def waiting_lines(mine: MyProject, slash: str) -> list[str]:
    phase = Phase(mine.project.phase)
    lines = []
    alerts_line = alert_ops.home_alerts_line(mine.open_alerts, mine.unacknowledged_alerts, mine.project.channel_id,
                                             slash)
    if alerts_line:
        lines.append(alerts_line)
    if mine.open_checkin is not None and not mine.open_checkin.answered:
        lines.append(":speech_balloon: your check-in answer")
    for docs_line in (home_line(mine.docs_asked, slash), home_unassigned_line(mine.docs_unassigned, slash)):
        if docs_line:
            lines.append(docs_line)
    if mine.missing:
        lines.append(f":warning: {phase.title} lacks {', '.join(r.title for r in mine.missing)}: "
                     f"`{slash} role add @user ROLE`")
    if mine.open_tasks:
        total = len(mine.open_tasks)
        named = ", ".join(task.title for task in mine.open_tasks[:TASKS_NAMED_AT_MOST])
        more = f" and {total - TASKS_NAMED_AT_MOST} more" if total > TASKS_NAMED_AT_MOST else ""
        lines.append(f":ballot_box_with_check: {total} exit-checklist item{'s' if total != 1 else ''} open: "
                     f"{named}{more} (`{slash} phase` ticks them)")
    return lines


def my_project_blocks(mine: MyProject, now: datetime, slash: str) -> list[Block]:
    what = [role_title(role) for role in mine.roles]
    if mine.stakeholder:
        what.append("stakeholder")
    lines, buttons = _checkin_lines(mine)
    text = "\n".join([project_line(mine.project, now), f"You: {', '.join(what)}", *lines])
    buttons += home_submit_buttons(mine.docs_unassigned, SUBMIT_BUTTONS_AT_MOST)
    waiting = waiting_lines(mine, slash)
    # The first button rides on the project's section; the rest (rarely any) get an actions block.
    blocks = [section(text, accessory=buttons[0] if buttons else None),
              context("*Waiting on you:* " + " · ".join(waiting) if waiting else "Nothing waits on you.")]
    if len(buttons) > 1:
        blocks.append(actions(*buttons[1:]))
    return blocks


def _checkin_lines(mine: MyProject) -> tuple[list[str], list[Block]]:
    """The check-in open now (Answer, or answered — Edit until it closes) and the next one (Answer early,
    or answered early — Edit), with their buttons."""
    lines: list[str] = []
    buttons: list[Block] = []
    current = mine.open_checkin
    if current is not None:
        until = slack_date(current.closes_at) if current.closes_at is not None else "it closes"
        if current.answered:
            lines.append(f":white_check_mark: Check-in: answered — Edit until {until}")
        else:
            lines.append(f":speech_balloon: Check-in open until {until}: not answered yet")
        buttons.append(answer_button(current.run, "Edit" if current.answered else "Answer",
                                     primary=not current.answered))
    if mine.next_checkin is not None:
        value, slot = mine.next_checkin
        if mine.answered_early:
            lines.append(f"Next check-in: {slack_date(slot)} · :white_check_mark: You answered early — Edit")
        else:
            lines.append(f"Next check-in: {slack_date(slot)}")
        # Beside an open check-in's button the early one says which answer it edits.
        label = ("Edit" if not buttons else "Edit early answer") if mine.answered_early else "Answer early"
        buttons.append(button(label, ActionId.CHECKIN_EARLY, value=json.dumps(value)))
    return lines, buttons


def home_view(mine: list[MyProject], others: list[Project], now: datetime, slash: str) -> dict[str, Any]:
    blocks: list[Block] = [header("Crisp"),
                           section("Keeps ML projects on track along CRISP-DM, in the channels where teams work.")]
    if mine:
        blocks += [divider(), section(f"*Your projects ({len(mine)})*")]
        room = HOME_BLOCK_LIMIT - len(blocks) - RESERVED_BELOW_MINE
        shown = 0
        for entry in mine[:MINE_AT_MOST]:
            entry_blocks = my_project_blocks(entry, now, slash)
            if len(entry_blocks) > room:
                break
            blocks += entry_blocks
            room -= len(entry_blocks)
            shown += 1
        if len(mine) > shown:
            blocks.append(context(f"…and {len(mine) - shown} more of yours."))
    if others:
        title = "Other active projects" if mine else "Active projects"
        blocks += [divider(), section(f"*{title} ({len(others)})*")]
        room = HOME_BLOCK_LIMIT - len(blocks) - 2  # the footer, and a line for what did not fit
        lines = [project_line(project, now).replace("\n", " · ") for project in others]
        chunks = [lines[i:i + LINES_PER_SECTION] for i in range(0, len(lines), LINES_PER_SECTION)]
        for chunk in chunks[:room]:
            blocks.append(section("\n".join(chunk)))
        if len(chunks) > room:
            blocks.append(context(f"…and {len(lines) - room * LINES_PER_SECTION} more."))
    if not mine and not others:
        blocks += [divider(), section(f"No projects yet. In your team's channel, type `{slash} project create NAME`.")]
    blocks.append(context(f"`{slash} help` in a project channel lists what you can do there."))
    return {"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]}
