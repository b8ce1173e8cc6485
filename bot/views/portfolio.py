"""The portfolio digest DM (one section per project: phase, days in it, target slip, blockers, open alerts,
moves since the last one, overdue milestones and records, new feedback) and the replies to `digest portfolio …`. At most PROJECTS_SHOWN projects are
shown in full; the rest are named in one line ending in "and N more", within Slack's limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.crisp_dm import Phase
from bot.digests.content import slip
from bot.schedules.slots import Spec
from bot.views.blocks import context, header, message, section
from bot.views.checkins import shorten
from bot.views.mrkdwn import channel, code, escape, slack_date, user
from bot.views.phase_time import day_in_phase, target_slip
from bot.views.schedules import describe

if TYPE_CHECKING:
    from datetime import datetime

    from bot.digests.portfolio import Portfolio, ProjectState

PROJECTS_SHOWN = 20
NAMES_SHOWN = 30
BLOCKER_LIMIT = 200


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _project_section(state: ProjectState, now: datetime) -> str:
    project = state.project
    phase = Phase(project.phase)
    lines = [f"*{escape(project.name)}* ({channel(project.channel_id)}): *{phase.title}* · "
             f"day {day_in_phase(project.phase_since, now)} · iteration {project.iteration}"]
    if state.target is not None:
        days_past = slip(state.target, now.date())
        lines.append((":warning: " if days_past > 0 else "") + target_slip(days_past, state.target))
    blockers = [a for a in state.answers if a.blockers.strip()]
    if blockers:
        latest = max(blockers, key=lambda a: a.updated_at)
        lines.append(f"{_plural(len(blockers), 'blocker')} in the latest check-in; latest from "
                     f"{user(latest.user_id)}: {escape(shorten(latest.blockers, BLOCKER_LIMIT))}")
    else:
        lines.append("No blockers in the latest check-in." if state.answers else "No check-in answers yet.")
    alerts = f"{_plural(state.open_alerts, 'open alert group')}" if state.open_alerts else "no open alerts"
    lines.append(f"{alerts} · {_plural(state.moves_since, 'phase move')} since the last portfolio digest")
    lines.append(_attention_line(state))
    return "\n".join(lines)


def _attention_line(state: ProjectState) -> str:
    milestones, docs, feedback = state.counts
    overdue = (f":warning: {_plural(milestones, 'milestone')} and {_plural(docs, 'record')} overdue"
               if milestones or docs else "no milestones or records overdue")
    return f"{overdue} · {feedback or 'no'} new feedback"


def portfolio(portfolio: Portfolio, total: int, slash: str) -> dict[str, Any]:
    if total == 0:
        line = ("Your portfolio digest: you are no longer a stakeholder or sponsor of any active project. "
                f"{code(f'{slash} digest portfolio off')} stops these.")
        return message(line, [section(line)])
    states = portfolio.states
    gist = f"Portfolio digest: {_plural(total, 'project')}: " + "; ".join(
        f"{escape(s.project.name)}: {Phase(s.project.phase).title}" for s in states[:5])
    if total > 5:
        gist += f"; and {total - 5} more"
    blocks = [header(f"Portfolio digest: {_plural(total, 'project')}")]
    blocks += [section(_project_section(state, portfolio.now)) for state in states]
    if total > len(states):
        blocks.append(section(f"_and {total - len(states)} more project{'s' if total - len(states) != 1 else ''}: "
                              f"each one's channel has its full card ({code(f'{slash} status')})_"))
    since = f"since {slack_date(portfolio.since)}" if portfolio.since else "your first portfolio digest"
    blocks.append(context(f"Every project you are a stakeholder or sponsor of ({since}). "
                          f"{code(f'{slash} digest portfolio off')} stops these."))
    return message(gist, blocks)


def sent_reply(count: int) -> dict[str, Any]:
    line = f":incoming_envelope: Portfolio digest across {_plural(count, 'project')} sent to you by DM."
    return message(line, [section(line)])


def schedule_reply(spec: Spec, next_at: datetime | None) -> dict[str, Any]:
    line = f":calendar: Your portfolio digest comes {describe(spec)}, by DM."
    if next_at is not None:
        line += f" The next: {slack_date(next_at)}."
    return message(line, [section(line)])


def off_reply(was_on: bool, slash: str) -> dict[str, Any]:
    if was_on:
        line = ":calendar: Your portfolio digest is off."
    else:
        line = (f"Your portfolio digest was not scheduled; nothing changed. "
                f"{code(f'{slash} digest portfolio every mon at 09:00')} schedules it.")
    return message(line, [section(line)])
