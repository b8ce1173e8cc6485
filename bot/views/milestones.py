"""Milestones: announcements in the channel, the `milestones` list, and the errors naming open ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.crisp_dm import Phase
from bot.views.blocks import context, header, message, section
from bot.views.docs import asked_line
from bot.views.mrkdwn import escape, slack_date, user
from storage.tables import DocRequest, Milestone, Project

# Lines per section of the list (3000 characters: a 200-character name and its line fit 12 times), and
# how many of each kind are shown before "and N more" (the list stays within Slack's 50 blocks).
LINES_PER_SECTION = 12
OPEN_SHOWN = 120
DONE_SHOWN = 24
NAMES_IN_ERROR = 20


def due_text(due: date | None) -> str:
    return f"due {due.isoformat()}" if due else "no due date"


def added_announcement(project: Project, milestone: Milestone) -> dict[str, Any]:
    phase = Phase(milestone.phase)
    line = (f":triangular_flag_on_post: {user(milestone.added_by)} added the milestone *{escape(milestone.name)}* "
            f"to {phase.title} of *{escape(project.name)}* ({due_text(milestone.due)}).")
    return message(line, [section(line)])


def added_reply(milestone: Milestone) -> dict[str, Any]:
    line = f"Milestone *{escape(milestone.name)}* added ({due_text(milestone.due)}); announced in the channel."
    return message(line, [section(f":white_check_mark: {line}")])


def done_announcement(project: Project, milestone: Milestone, request: DocRequest) -> dict[str, Any]:
    phase = Phase(milestone.phase)
    line = (f":white_check_mark: {user(milestone.done_by or '')} completed the milestone "
            f"*{escape(milestone.name)}* ({phase.title}) of *{escape(project.name)}*.")
    return message(line, [section(line), context(asked_line(request))])


def done_reply(milestone: Milestone, request: DocRequest) -> dict[str, Any]:
    line = f"Milestone *{escape(milestone.name)}* is done; announced in the channel."
    return message(line, [section(f":white_check_mark: {line}"), context(asked_line(request))])


def overdue_announcement(project: Project, milestone: Milestone) -> dict[str, Any]:
    line = (f":warning: The milestone *{escape(milestone.name)}* of *{escape(project.name)}* was due "
            f"{milestone.due.isoformat() if milestone.due else ''} and is not done yet.")
    return message(line, [section(line), context(f"Added by {user(milestone.added_by)} in "
                                                 f"{Phase(milestone.phase).title}. "
                                                 "`milestone done NAME` completes it.")])


def duplicate(name: str) -> str:
    return f"This project already has a milestone called *{escape(name)}*; nothing was added."


def names_list(names: Sequence[str]) -> str:
    shown = ", ".join(f"*{escape(name)}*" for name in names[:NAMES_IN_ERROR])
    return shown + (f" and {len(names) - NAMES_IN_ERROR} more" if len(names) > NAMES_IN_ERROR else "")


def unknown(name: str, open_names: Sequence[str]) -> str:
    if not open_names:
        return f"There is no milestone called *{escape(name)}*, and none is open; nothing changed."
    return f"There is no milestone called *{escape(name)}*; nothing changed. Open ones: {names_list(open_names)}."


def already_done(milestone: Milestone) -> str:
    when = f" on {slack_date(milestone.done_at)}" if milestone.done_at else ""
    return f"*{escape(milestone.name)}* was completed by {user(milestone.done_by or '')}{when}; nothing changed."


def milestone_line(milestone: Milestone, today: date) -> str:
    phase = Phase(milestone.phase).title
    if milestone.done_at is not None:
        return (f":white_check_mark: ~{escape(milestone.name)}~ · {phase} · done by {user(milestone.done_by or '')} "
                f"{slack_date(milestone.done_at)}")
    if milestone.due is not None and milestone.due < today:
        days = (today - milestone.due).days
        return (f":warning: *{escape(milestone.name)}* · {phase} · due {milestone.due.isoformat()}, "
                f"*{days} day{'s' if days != 1 else ''} overdue*")
    return f":white_circle: *{escape(milestone.name)}* · {phase} · {due_text(milestone.due)}"


def _sections(lines: list[str]) -> list[dict[str, Any]]:
    return [section("\n".join(lines[i:i + LINES_PER_SECTION])) for i in range(0, len(lines), LINES_PER_SECTION)]


def listing(project: Project, milestones: Sequence[Milestone], today: date, slash: str) -> dict[str, Any]:
    """Open milestones (overdue first, then by due date, undated last), then the done ones."""
    open_ones = [m for m in milestones if m.done_at is None]
    # Overdue first: the stored order is by due date, so these are already the earliest.
    done_ones = [m for m in milestones if m.done_at is not None]
    overdue = sum(1 for m in open_ones if m.due is not None and m.due < today)
    gist = f"{escape(project.name)}: {len(open_ones)} open milestone{'s' if len(open_ones) != 1 else ''}"
    if overdue:
        gist += f", {overdue} overdue"
    if done_ones:
        gist += f"; {len(done_ones)} done"
    if not milestones:
        line = f"{escape(project.name)} has no milestones yet: `{slash} milestone add NAME [due YYYY-MM-DD]`."
        return message(line, [section(line)])
    blocks: list[dict[str, Any]] = [header(f"Milestones: {project.name}")]
    if open_ones:
        lines = [milestone_line(m, today) for m in open_ones[:OPEN_SHOWN]]
        if len(open_ones) > OPEN_SHOWN:
            lines.append(f"_and {len(open_ones) - OPEN_SHOWN} more open_")
        blocks += _sections(lines)
    else:
        blocks.append(section("Every milestone is done."))
    if done_ones:
        lines = [milestone_line(m, today) for m in done_ones[:DONE_SHOWN]]
        if len(done_ones) > DONE_SHOWN:
            lines.append(f"_and {len(done_ones) - DONE_SHOWN} more done_")
        blocks += [section("*Done*"), *_sections(lines)]
    blocks.append(context(f"`{slash} milestone done NAME` completes one and asks for the phase's record."))
    return message(gist, blocks)


def status_line(open_count: int, overdue_names: Sequence[str], overdue_count: int) -> str:
    """The status card's milestone line."""
    if not open_count:
        return "*Milestones:* none open"
    line = f"*Milestones:* {open_count} open"
    if not overdue_count:
        return line + " · none overdue"
    more = f" and {overdue_count - len(overdue_names)} more" if overdue_count > len(overdue_names) else ""
    return line + f" · :warning: *{overdue_count} overdue*: " + ", ".join(escape(n) for n in overdue_names) + more
