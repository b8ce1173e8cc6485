"""Replies and announcements about schedules (`checkin every …`, `digest off`, the status card line)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.schedules.slots import EVERY_DAY, WEEKDAYS, Spec
from bot.views.blocks import context, message, section
from bot.views.mrkdwn import code, escape, slack_date, user
from storage.tables import Project

KIND_TITLES = {"checkin": "Check-ins", "digest": "Stakeholder digests"}
KIND_NOUNS = {"checkin": "check-in", "digest": "digest"}


def describe(spec: Spec) -> str:
    """"every weekday at 09:00 (Europe/Berlin)"."""
    if spec.days == WEEKDAYS:
        days = "every weekday"
    elif spec.days == EVERY_DAY:
        days = "every day"
    else:
        names = [("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[day] for day in sorted(spec.days)]
        days = "every " + ", ".join(names)
    if spec.local:
        return f"{days} at {spec.at_text} in each member's own time zone"
    return f"{days} at {spec.at_text} ({spec.tz})"


def schedule_reply(kind: str, spec: Spec, next_at: datetime | None, *,
                   replaced: Spec | None = None) -> dict[str, Any]:
    line = f":calendar: {KIND_TITLES[kind]} {describe(spec)}{_replacing(replaced)}."
    if next_at is not None:
        line += f" The next: {slack_date(next_at)}."
    return message(line, [section(line)])


def _replacing(replaced: Spec | None) -> str:
    return f"; this replaces {describe(replaced)}" if replaced is not None else ""


def schedule_announcement(project: Project, kind: str, spec: Spec, actor_id: str,
                          next_at: datetime | None, *, replaced: Spec | None = None) -> dict[str, Any]:
    who = "the team is asked" if kind == "checkin" else "stakeholders get a digest"
    line = (f":calendar: {user(actor_id)} scheduled {KIND_NOUNS[kind]}s for *{escape(project.name)}*: "
            f"{who} {describe(spec)}{_replacing(replaced)}.")
    blocks = [section(line)]
    if next_at is not None:
        blocks.append(context(f"Next: {slack_date(next_at)}"))
    return message(line, blocks)


def off_reply(kind: str, was_on: bool, slash: str) -> dict[str, Any]:
    if not was_on:
        line = (f"{KIND_TITLES[kind]} were not scheduled; nothing changed. "
                f"{code(f'{slash} {kind} every weekdays at 09:00')} schedules them.")
    else:
        line = f":calendar: {KIND_TITLES[kind]} are off. Earlier answers and digests stay."
    return message(line, [section(line)])


def off_announcement(project: Project, kind: str, actor_id: str) -> dict[str, Any]:
    line = f":calendar: {user(actor_id)} turned off {KIND_NOUNS[kind]}s for *{escape(project.name)}*."
    return message(line, [section(line)])


def next_line(kind: str, spec: Spec | None, next_at: datetime | None, slash: str) -> str:
    """For the status card."""
    if spec is None or next_at is None:
        return f"*Next {KIND_NOUNS[kind]}:* not scheduled ({code(f'{slash} {kind} every DAYS at HH:MM')})"
    return f"*Next {KIND_NOUNS[kind]}:* {slack_date(next_at)} · {describe(spec)}"
