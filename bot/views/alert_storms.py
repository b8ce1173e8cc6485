"""A storm summary: one message for the alert groups a channel got beyond its alert budget (counts by
severity, the top few), edited in place, and thread pages listing every group with its current state,
each page edited in place too. Titles come from senders: escaped once, here."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.views.alerts import COLORS, FIRING, RESOLVED, SEVERITY_EMOJI, duration
from bot.views.blocks import actions, button, context, message, section
from bot.views.ids import ActionId
from bot.views.mrkdwn import channel, clip, code, escape, slack_date, user, without_marks
from storage.tables import AlertGroup, AlertStorm

PAGE_SIZE = 25            # groups listed per thread reply
LINES_PER_SECTION = 8     # 8 lines of at most ~320 characters stay within a section's 3,000
TOP_SHOWN = 5
TITLE_SHOWN = 120
SEVERITY_ORDER = ("critical", "page", "error", "warning", "info")


def _rank(group: AlertGroup) -> tuple:
    order = SEVERITY_ORDER.index(group.severity) if group.severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
    return (order, -(group.storm_slot or 0))


def group_line(group: AlertGroup, now: datetime) -> str:
    """One group as a line: severity, title, and its state now."""
    title = clip(escape(group.title), TITLE_SHOWN)
    if group.status == RESOLVED:
        ended = group.resolved_at or now
        state = f":large_green_circle: resolved · {group.alert_count} alert{'s' if group.alert_count != 1 else ''}" \
                f" · fired for {duration(ended - group.started_at)}"
    else:
        count = f"{group.firing_count} of {group.alert_count} firing" if group.alert_count != 1 else "firing"
        state = f"{SEVERITY_EMOJI.get(group.severity, ':warning:')} {count} · {duration(now - group.started_at)}"
        if group.acked_by:
            state += " · :eyes: acked"
    line = f"*{title}* · {code(clip(group.severity, 16))} · {state}"
    if group.message_key is not None:
        line += " · :arrow_right: now in a message of its own"
    return line


def _counts(groups: Sequence[AlertGroup]) -> str:
    firing = Counter(g.severity for g in groups if g.status == FIRING)
    parts = [f"{SEVERITY_EMOJI.get(sev, ':warning:')} {n} {escape(clip(sev, 16))}"
             for sev, n in sorted(firing.items(), key=lambda kv: (SEVERITY_ORDER.index(kv[0])
                                                                   if kv[0] in SEVERITY_ORDER else 9, kv[0]))]
    resolved = sum(1 for g in groups if g.status == RESOLVED)
    if resolved:
        parts.append(f":large_green_circle: {resolved} resolved")
    return " · ".join(parts)


def _plural(n: int) -> str:
    return f"{n} alert group{'s' if n != 1 else ''}"


def summary(storm: AlertStorm, groups: Sequence[AlertGroup], now: datetime, *,
            mentions: Sequence[str] = ()) -> dict[str, Any]:
    """`mentions`: the ML engineers and data scientists of projects with drift or performance groups firing."""
    firing = [g for g in groups if g.status == FIRING]
    where = channel(storm.channel_id)
    if firing:
        gist = f":warning: {_plural(len(firing))} firing in {where}"
        color = COLORS["critical"] if any(g.severity in ("critical", "error", "page") for g in firing) \
            else COLORS["firing"]
    else:
        gist = f":large_green_circle: All {_plural(len(groups))} of this storm resolved in {where}"
        color = COLORS["resolved"]
    blocks = [section(f"*{gist}*"), context(_counts(groups) or "nothing firing")]
    top = sorted(firing, key=_rank)[:TOP_SHOWN]
    if top:
        blocks.append(section("*Top:*\n" + "\n".join(f"• {group_line(g, now)}" for g in top)))
    blocks.append(context(f"More new alert groups arrived than this channel should get messages for, so they "
                          f"are rolled up here: {_plural(len(groups))} since {slack_date(storm.started_at)}. "
                          f"Every group is listed in the thread, each line kept up to date."))
    waiting = unacknowledged(groups)
    if waiting:
        blocks.append(actions(button(f"Acknowledge all {len(waiting)}", ActionId.ALERT_STORM_ACK,
                                     value=json.dumps({"s": storm.id}))))
    text = gist
    if mentions and firing:
        text += f"\n{' '.join(user(u) for u in mentions)} — drift or performance alerts among them, for the " \
                f"project's ML engineers and data scientists"
    body = message(text)
    body["attachments"] = [{"color": color, "fallback": without_marks(gist), "blocks": blocks}]
    return body


def page(storm: AlertStorm, number: int, groups: Sequence[AlertGroup], now: datetime) -> dict[str, Any]:
    """Thread page `number` (from 0): the storm's groups in slots number*PAGE_SIZE onwards."""
    first = number * PAGE_SIZE + 1
    last = number * PAGE_SIZE + len(groups)
    gist = f"Alert groups {first}–{last} of this storm"
    blocks = [section(f"*{gist}:*")]
    lines = [f"{(g.storm_slot or 0) + 1}. {group_line(g, now)}" for g in groups]
    for start in range(0, len(lines), LINES_PER_SECTION):
        blocks.append(section("\n".join(lines[start:start + LINES_PER_SECTION])))
    return message(gist, blocks)


def unacknowledged(groups: Sequence[AlertGroup]) -> list[AlertGroup]:
    """The storm's groups still firing that nobody acknowledged and that have no message of their own
    (those have their own buttons)."""
    return [g for g in groups if g.status == FIRING and g.acked_by is None and g.message_key is None]


def _titles(groups: Sequence[AlertGroup]) -> str:
    shown = sorted(groups, key=_rank)[:TOP_SHOWN]
    lines = "\n".join(f"• *{clip(escape(g.title), TITLE_SHOWN)}* · {code(clip(g.severity, 16))}" for g in shown)
    more = len(groups) - len(shown)
    return lines + (f"\n…and {more} more" if more else "")


def renotify_note(groups: Sequence[AlertGroup], up_for: str) -> dict[str, Any]:
    """Critical groups of a storm still unacknowledged: said once in the storm's thread, to the channel."""
    gist = f":rotating_light: {_plural(len(groups))} of this storm still firing, critical, unacknowledged after {up_for}"
    body = message(gist, [section(f"*{gist}:*\n{_titles(groups)}"),
                          context("*Acknowledge all* on the summary above tells the channel someone is on it.")])
    body["reply_broadcast"] = True
    return body


def escalation_note(groups: Sequence[AlertGroup], up_for: str, targets: Sequence[str]) -> dict[str, Any]:
    who = " ".join(user(u) for u in targets) if targets else "nobody (no product owner or manager is set)"
    gist = f":sos: Escalated to {who}: {_plural(len(groups))} of this storm unacknowledged after {up_for}"
    return message(gist, [section(f"*{gist}*\n{_titles(groups)}")])


def escalation_dm(storm: AlertStorm, groups: Sequence[AlertGroup], up_for: str) -> dict[str, Any]:
    gist = (f":sos: {_plural(len(groups))} firing in {channel(storm.channel_id)} are critical and nobody "
            f"acknowledged them in {up_for}")
    return message(gist, [section(f"*{gist}.*\n{_titles(groups)}"),
                          context("You lead a project they belong to. The storm summary in the channel has an "
                                  "*Acknowledge all* button.")])


def acknowledged_note(user_id: str, count: int) -> dict[str, Any]:
    text = f":eyes: {user(user_id)} acknowledged {_plural(count)} of this storm."
    return message(without_marks(text), [section(text)])
