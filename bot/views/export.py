"""`docs export`: the answer to the command, and the file's name, title and comment in the channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.views.blocks import message, section
from bot.views.mrkdwn import escape, user
from storage.tables import Project


def on_its_way(project: Project, new: bool) -> dict[str, Any]:
    if new:
        line = (f":page_facing_up: The export of *{escape(project.name)}* is on its way: a Markdown file with its "
                f"phases, roles and records will be shared in this channel in a moment.")
    else:
        line = f":page_facing_up: The export of *{escape(project.name)}* was asked for already; it is on its way."
    return message(line, [section(line)])


def filename(project: Project, now: datetime) -> str:
    return f"{project.slug}-record-{now:%Y-%m-%d}.md"


def title(project: Project, now: datetime) -> str:
    """Shown by Slack as plain text."""
    return f"{project.name}: project record, {now:%Y-%m-%d}"


def comment(project: Project, by: str) -> str:
    who = f", exported for {user(by)}" if by else ""
    return (f":page_facing_up: The project record of *{escape(project.name)}*{who}: phase history, roles, and each "
            f"phase's records, with those still missing.")
