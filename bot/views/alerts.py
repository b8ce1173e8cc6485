"""Alert messages: one per group (edited as it changes, green once resolved), thread replies saying what
changed, and the `alerts` listing. Labels, annotations and titles come from senders: they are hostile
input and go through `escape` (or `code`) exactly once; links are only ever http(s) URLs we checked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.views import alert_ops
from bot.views.blocks import Block, actions, button, context, message, mrkdwn, section
from bot.views.ids import ActionId, BlockId
from bot.views.mrkdwn import channel, clip, code, escape, slack_date, user, without_marks
from storage.tables import Alert, AlertGroup, Project

FIRING, RESOLVED = "firing", "resolved"
MAX_ALERTS_SHOWN = 8           # sections of alerts in one message; the rest are counted
ALERT_TEXT_LIMIT = 1000        # characters per alert section: 8 of them stay below Slack's ~13k per message
SUMMARY_SHOWN = 600            # characters of an alert's summary (escaped), within its section
LABELS_SHOWN = 8
LABEL_VALUE_SHOWN = 80         # characters of a label value, before it is put in a code span
COLORS = {"critical": "#E01E5A", "firing": "#ECB22E", "resolved": "#2EB67D", "silenced": "#9E9E9E"}
SEVERITY_EMOJI = {"critical": ":rotating_light:", "error": ":red_circle:", "warning": ":warning:",
                  "info": ":information_source:"}
LINK_LABELS = {"runbook": "Runbook", "dashboard": "Dashboard", "panel": "Panel", "generator": "Source",
               "silence": "Silence", "url": "Link"}
SILENCE_CHOICES = (("1h", "Silence 1 hour"), ("4h", "Silence 4 hours"), ("24h", "Silence 24 hours"),
                   ("resolved", "Silence until resolved"))
# Labels every alert of a group repeats, or that the message shows elsewhere.
HIDDEN_LABELS = frozenset({"alertname", "severity", "__alert_rule_uid__", "test"})
KIND_WORDS = {"drift": "drift", "performance": "performance"}


def link(url: str, label: str) -> str:
    """A mrkdwn link to a URL that `safe_url` let through (http(s), no spaces, `<`, `>` or `|`)."""
    return f"<{url.replace('&', '&amp;')}|{label}>"


def duration(span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _severity(group: AlertGroup) -> str:
    return SEVERITY_EMOJI.get(group.severity, ":warning:")


def _silenced(group: AlertGroup, now: datetime) -> bool:
    return bool(group.silenced_until_resolved and group.status == FIRING) or \
        (group.silenced_until is not None and group.silenced_until > now)


def state_line(group: AlertGroup, now: datetime) -> str:
    if group.status == RESOLVED:
        ended = group.resolved_at or now
        line = f":large_green_circle: *Resolved* {slack_date(ended)} · fired for {duration(ended - group.started_at)}"
        if group.resolved_by:
            line += f" · resolved by {user(group.resolved_by)}"
        return line
    firing = f"{group.firing_count} of {group.alert_count} alerts firing" if group.alert_count != 1 else "firing"
    line = (f"{_severity(group)} *Firing* · severity {code(group.severity)} · {firing} · "
            f"since {slack_date(group.started_at)} ({duration(now - group.started_at)})")
    if group.acked_by:
        line += f" · :eyes: acknowledged by {user(group.acked_by)}"
    if _silenced(group, now):
        until = "until resolved" if group.silenced_until_resolved else f"until {slack_date(group.silenced_until)}"
        line += f" · :zzz: silenced {until} by {user(group.silenced_by or '')}"
    silence = alert_ops.silence_word(group)
    if silence and (_silenced(group, now) or not group.silence_id.startswith("am:")):
        line += f" · {silence}"
    return line


def _pair(key: str, value: Any) -> str:
    """`key=value` as a code span; long keys and values are cut first, so no span is ever cut open."""
    return code(f"{str(key)[:LABEL_VALUE_SHOWN]}={str(value)[:LABEL_VALUE_SHOWN]}")


def _alert_section(alert: Alert, group: AlertGroup) -> Block:
    icon = ":red_circle:" if alert.status == FIRING else ":large_green_circle:"
    lines = [f"{icon} *{clip(escape(alert.summary or group.title), SUMMARY_SHOWN)}*"]
    labels = [(k, v) for k, v in sorted(alert.labels.items())
              if k not in HIDDEN_LABELS and group.common_labels.get(k) != v][:LABELS_SHOWN]
    if labels:
        lines.append(" ".join(_pair(key, value) for key, value in labels))
    if alert.values:
        lines.append("Values: " + ", ".join(_pair(key, _value(value)) for key, value in
                                             list(alert.values.items())[:LABELS_SHOWN]))
    description = alert.annotations.get("description")
    if description and description not in (alert.summary, group.summary):
        lines.append(escape(clip(description, 300)))
    if alert.annotations.get("drifted_columns"):
        lines.append("Drifted columns: " + escape(alert.annotations["drifted_columns"]))
    own_links = [link(url, LINK_LABELS.get(name, name.title())) for name, url in alert.links.items()
                 if group.links.get(name) != url and name in LINK_LABELS]
    if own_links:
        lines.append(" · ".join(own_links))
    text = lines[0]
    for line in lines[1:]:  # whole lines only: a line cut short could leave a code span or bold open
        if len(text) + 1 + len(line) > ALERT_TEXT_LIMIT:
            break
        text += "\n" + line
    return {"type": "section", "text": mrkdwn(text, ALERT_TEXT_LIMIT)}


def _buttons(group: AlertGroup, now: datetime, *, offer_iteration: bool = False) -> Block:
    value = json.dumps({"g": group.id})
    elements: list[Block] = []
    if group.status == FIRING:
        if not group.acked_by:
            elements.append(button("Acknowledge", ActionId.ALERT_ACK, value=value, style="primary"))
        elements.append(button("Resolve", ActionId.ALERT_RESOLVE, value=value))
        if _silenced(group, now):
            elements.append(button("Unsilence", ActionId.ALERT_UNSILENCE, value=value))
        else:
            elements.append({
                "type": "overflow", "action_id": ActionId.ALERT_SILENCE,
                "options": [{"text": {"type": "plain_text", "text": label},
                             "value": json.dumps({"g": group.id, "for": choice})}
                            for choice, label in SILENCE_CHOICES]})
    if offer_iteration:
        elements.append(alert_ops.iteration_button(group))
    elements.append(button("Useful", ActionId.ALERT_USEFUL, value=value))
    elements.append(button("Noise", ActionId.ALERT_NOISE, value=value))
    return actions(*elements, block_id=BlockId.ALERT_ACTIONS)


def gist(group: AlertGroup, now: datetime) -> str:
    """The message's first line (notification and screen readers)."""
    if group.status == RESOLVED:
        state = "Resolved"
    else:
        state = "Silenced" if _silenced(group, now) else "Firing"
    summary = f" — {escape(clip(group.summary, 300))}" if group.summary and group.summary != group.title else ""
    return f"{state}: {escape(group.title)}{summary} ({escape(group.severity)})"


def color(group: AlertGroup, now: datetime) -> str:
    if group.status == RESOLVED:
        return COLORS["resolved"]
    if _silenced(group, now):
        return COLORS["silenced"]
    return COLORS["critical"] if group.severity in ("critical", "error", "page") else COLORS["firing"]


def group_message(group: AlertGroup, alerts: Sequence[Alert], now: datetime, *,
                  mentions: Sequence[str] = (), offer_iteration: bool = False) -> dict[str, Any]:
    """The group's one message: a gist line (with the mentions), and an attachment coloured by state (red or
    yellow firing, grey silenced, green resolved) holding the details and the buttons."""
    blocks: list[Block] = [
        section(f"*{escape(group.title)}*" + (f"\n{escape(clip(group.summary, 1500))}"
                                              if group.summary and group.summary != group.title else "")),
        context(state_line(group, now)),
    ]
    common = [(k, v) for k, v in sorted(group.common_labels.items()) if k not in HIDDEN_LABELS][:LABELS_SHOWN]
    if common:
        blocks.append(context(" ".join(_pair(key, value) for key, value in common)))
    blocks += [_alert_section(alert, group) for alert in alerts[:MAX_ALERTS_SHOWN]]
    hidden = max(0, len(alerts) - MAX_ALERTS_SHOWN) + (group.truncated or 0)
    if hidden:
        blocks.append(context(f"…and {hidden} more alert{'s' if hidden != 1 else ''}"))
    group_links = [link(url, LINK_LABELS.get(name, name.title())) for name, url in group.links.items()
                   if name in LINK_LABELS]
    if group_links:
        blocks.append(context(" · ".join(group_links)))
    blocks.append(_buttons(group, now, offer_iteration=offer_iteration))
    text = gist(group, now)
    if mentions:
        who = " ".join(user(u) for u in mentions)
        text += f"\n{who} — {KIND_WORDS.get(group.kind, 'model')} alert for the project's ML engineers and data scientists"
    body = message(text)
    body["attachments"] = [{"color": color(group, now), "fallback": without_marks(text), "blocks": blocks}]
    return body


def _names(items: Sequence[Alert]) -> str:
    names = ", ".join(escape(a.summary or a.fingerprint) for a in items[:5])
    return names + (f" and {len(items) - 5} more" if len(items) > 5 else "")


def change_note(*, added: Sequence[Alert], resolved: Sequence[Alert], refired: Sequence[Alert],
                group: AlertGroup, now: datetime, mentions: Sequence[str] = ()) -> dict[str, Any] | None:
    """A short thread reply saying what changed since the message was last edited; None when nothing did.
    The group's own turn (resolved, firing again) comes first; alerts are listed by what happened to them,
    unless the group's line already says it of all of them."""
    lines = []
    whole_group_resolved = group.status == RESOLVED and group.relayed_status == FIRING
    whole_group_refired = group.status == FIRING and group.relayed_status == RESOLVED
    if whole_group_resolved:
        ended = group.resolved_at or now
        lines.append(f":large_green_circle: Resolved after {duration(ended - group.started_at)}.")
    elif whole_group_refired:
        lines.append(f"{_severity(group)} Firing again.")
    for verb, items, said in (("New", added, False), ("Firing again", refired, whole_group_refired),
                              ("Resolved", resolved, whole_group_resolved)):
        if items and not (said and len(items) == group.alert_count):
            lines.append(f"{verb} ({len(items)}): {_names(items)}")
    if not lines:
        return None
    if mentions and group.status == FIRING:
        lines.append(" ".join(user(u) for u in mentions))
    return message("\n".join(lines))


def action_note(text: str) -> dict[str, Any]:
    """A thread reply for something a person did with the buttons (`text` is composed mrkdwn)."""
    return message(text)


def open_alerts_reply(project: Project | None, groups: Sequence[AlertGroup], total: int, now: datetime,
                      slash: str) -> dict[str, Any]:
    where = f"*{escape(project.name)}*" if project is not None else "no project"
    if not groups:
        gist_line = (f"No open alerts for {escape(project.name)}." if project is not None
                     else "No open alerts outside projects.")
        return message(gist_line, [section(f":white_check_mark: No open alerts for {where}."),
                                   context(f"`{slash} alerts route KEY=VALUE` relays alerts with that label here.")])
    lines = []
    for group in groups:
        state = f":eyes: acked by {user(group.acked_by)}" if group.acked_by else "not acknowledged"
        if _silenced(group, now):
            state += " · :zzz: silenced"
        place = f" · {channel(group.channel_id)}" if project is None and group.channel_id else ""
        lines.append(f"{_severity(group)} *{escape(group.title)}* · {code(group.severity)} · "
                     f"{group.firing_count} firing · {duration(now - group.started_at)} old · {state}{place}")
    more = total - len(groups)
    count = f"{total} open alert group{'s' if total != 1 else ''}"
    text = f"{count} for {escape(project.name)}" if project is not None else f"{count} outside projects"
    blocks = [section(f"*{count}* for {where}, newest first:"), section("\n".join(lines))]
    if more > 0:
        blocks.append(context(f"…and {more} older"))
    return message(text, blocks)


def route_added(key: str, value: str, project: Project) -> dict[str, Any]:
    text = f"Alerts labelled {code(f'{key}={value}')} now come to this channel ({escape(project.name)})."
    return message(without_marks(text), [section(f":satellite_antenna: {text}")])


def route_added_reply(key: str, value: str) -> dict[str, Any]:
    """The person's own answer: the channel gets `route_added`."""
    text = f"Routed alerts labelled {code(f'{key}={value}')} here; announced in the channel."
    return message(without_marks(text), [section(text)])


def route_removed(key: str, value: str) -> dict[str, Any]:
    text = f"Alerts labelled {code(f'{key}={value}')} no longer come to this channel."
    return message(without_marks(text), [section(text)])


def route_list(project: Project, routes: Sequence[tuple[str, str]], slash: str) -> dict[str, Any]:
    if not routes:
        text = f"No alert routes for {escape(project.name)} yet."
        return message(text, [section(text), context(
            f"Alerts with the label {code('project=' + project.slug)} come here anyway; "
            f"`{slash} alerts route KEY=VALUE` adds a route.")])
    lines = "\n".join(f"• {code(f'{key}={value}')}" for key, value in routes)
    text = f"Alerts routed to {escape(project.name)}"
    return message(text, [section(f"*{text}:*\n{lines}"),
                          context(f"and any alert labelled {code('project=' + project.slug)}")])
