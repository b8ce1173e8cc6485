"""What alert operations say: re-announcements and escalations of unacknowledged critical groups,
Alertmanager silence states, and the *Start an iteration* button, form and thread reply. Titles come
from senders (hostile) and go through `escape` once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.crisp_dm import PHASE_ORDER, Phase
from bot.views.blocks import button, context, message, plain, section
from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from bot.views.mrkdwn import channel, code, escape, user
from storage.queries.lifecycle import TransitionRow
from storage.tables import AlertGroup, Project


def _duration(span: timedelta) -> str:
    from bot.views.alerts import duration  # noqa: PLC0415 (alerts imports this module)
    return duration(span)


# -- renotify and escalation --------------------------------------------------------------------------------

def renotify_note(group: AlertGroup, up_for: timedelta, *, mentions: Sequence[str] = ()) -> dict[str, Any]:
    """A thread reply also sent to the channel: still firing, nobody has acknowledged it."""
    text = (f":rotating_light: Still firing after {_duration(up_for)} and nobody has acknowledged "
            f"*{escape(group.title)}*. Acknowledge it to stop the reminders.")
    if mentions:
        text += "\n" + " ".join(user(u) for u in mentions)
    body = message(text)
    body["reply_broadcast"] = True
    return body


def escalation_note(group: AlertGroup, up_for: timedelta, targets: Sequence[str],
                    project: Project | None) -> dict[str, Any]:
    if targets:
        who = " ".join(user(u) for u in targets)
        text = (f":sos: Escalated to {who}: *{escape(group.title)}* has fired for {_duration(up_for)} "
                "without an acknowledgement.")
    elif project is not None:
        text = (f":sos: *{escape(group.title)}* has fired for {_duration(up_for)} without an acknowledgement, "
                f"and {escape(project.name)} has no product owner or manager to escalate to.")
    else:
        text = f":sos: *{escape(group.title)}* has fired for {_duration(up_for)} without an acknowledgement."
    return message(text)


def escalation_dm(group: AlertGroup, up_for: timedelta, project: Project | None) -> dict[str, Any]:
    where = f" of *{escape(project.name)}*" if project is not None else ""
    text = (f":sos: A critical alert{where} has fired for {_duration(up_for)} and nobody has acknowledged it: "
            f"*{escape(group.title)}* in {channel(group.channel_id)}.")
    return message(text, [section(text), context("You get this as the project's product owner (or manager).")])


# -- Alertmanager silences ----------------------------------------------------------------------------------

def silence_word(group: AlertGroup) -> str | None:
    """How the group's Alertmanager silence stands, for the message's state line."""
    state = group.silence_id or ""
    if state.startswith("want:"):
        return "Alertmanager silence pending"
    if state.startswith("am:"):
        return f"Alertmanager silence {code(state[3:][:12])} created"
    if state.startswith("unwant:"):
        return "Alertmanager silence being expired"
    if state.startswith("failed:"):
        return "Alertmanager silence failed"
    return None


def silence_failed_note(error: str, base_url: str) -> dict[str, Any]:
    return message(f":warning: Alertmanager at {code(base_url[:120])} did not make the silence "
                   f"({escape(error[:200])}). The alert stays silenced in Slack only.")


def expire_failed_note(silence: str, error: str, base_url: str) -> dict[str, Any]:
    return message(f":warning: Alertmanager at {code(base_url[:120])} did not expire silence {code(silence[:50])} "
                   f"({escape(error[:200])}); expire it there by hand.")


# -- Start an iteration ---------------------------------------------------------------------------------------

def iteration_button(group: AlertGroup) -> dict[str, Any]:
    return button("Start an iteration", ActionId.ALERT_START_ITERATION, value=json.dumps({"g": group.id}))


def iteration_modal(group: AlertGroup, project: Project, default: Phase, *, channel_id: str) -> dict[str, Any]:
    options = [{"text": plain(phase.title, 75), "value": phase.value}
               for phase in PHASE_ORDER if phase.number < Phase.DEPLOYMENT.number]
    initial = next(option for option in options if option["value"] == default.value)
    blocks = [
        section(f"*{escape(project.name)}* leaves *Deployment* for an earlier phase; iteration "
                f"{project.iteration + 1} begins.\n*Reason:* {escape(group.title)}"),
        {"type": "input", "block_id": BlockId.ITERATION_PHASE, "label": plain("Back to", 2000),
         "element": {"type": "static_select", "action_id": InputId.ITERATION_PHASE, "options": options,
                     "initial_option": initial}},
        context("The move is announced in the channel, named in `phase history`, and replied in the alert's "
                "thread."),
    ]
    return {
        "type": "modal",
        "callback_id": CallbackId.ALERT_ITERATION,
        "title": plain("Start an iteration", 24),
        "submit": plain("Move back", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"g": group.id, "c": channel_id}, separators=(",", ":")),
        "blocks": blocks,
    }


def iteration_field_error(text: str) -> dict[str, str]:
    return {BlockId.ITERATION_PHASE: text}


def iteration_note(project: Project, transition: TransitionRow, user_id: str) -> dict[str, Any]:
    """The alert thread's side of the link: which move it caused (the history note names the alert)."""
    text = (f":leftwards_arrow_with_hook: {user(user_id)} started iteration {transition.iteration} of "
            f"*{escape(project.name)}* from this alert: moved back from *{Phase(transition.from_phase).title}* "
            f"to *{Phase(transition.to_phase).title}*; `phase history` names this alert as the reason.")
    return message(text)


# -- status card and App Home ---------------------------------------------------------------------------------

STATUS_ALERTS_SHOWN = 3


def status_alerts(groups: Sequence[AlertGroup], total: int, now, slash: str) -> str:
    """The status card's *Open alerts* section: how many, and the newest few with age and ack state."""
    if not total:
        return "*Open alerts:* none"
    lines = [f"*Open alerts:* {total} (`{slash} alerts` lists them)"]
    for group in groups[:STATUS_ALERTS_SHOWN]:
        state = f"acked by {user(group.acked_by)}" if group.acked_by else "not acknowledged"
        lines.append(f"• *{escape(group.title)}* · {code(group.severity)} · {_duration(now - group.started_at)} · "
                     f"{state}")
    if total > STATUS_ALERTS_SHOWN:
        lines.append(f"…and {total - STATUS_ALERTS_SHOWN} more")
    return "\n".join(lines)


def home_alerts_line(open_alerts: int, unacknowledged: int, channel_id: str, slash: str) -> str | None:
    """For a project on the App Home tab: its open alerts, if any."""
    if not open_alerts:
        return None
    waiting = f", {unacknowledged} not acknowledged" if unacknowledged else ""
    return (f":rotating_light: {open_alerts} open alert{'s' if open_alerts != 1 else ''}{waiting} "
            f"(`{slash} alerts` in {channel(channel_id)})")
