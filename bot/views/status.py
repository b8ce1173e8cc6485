"""The status card: where a project stands, read from the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.crisp_dm import PHASE_ORDER, Phase, missing_roles
from bot.views import alert_ops, team
from bot.views.blocks import context, header, message, section
from bot.views.mrkdwn import channel, code, escape, slack_date, user
from bot.views.phase_time import day_in_phase
from storage.queries.team import TeamSnapshot
from storage.tables import AlertGroup, Project


def phase_track(current: Phase) -> str:
    """●●●○○○ with the current phase in bold: where the project sits in CRISP-DM."""
    marks = []
    for phase in PHASE_ORDER:
        if phase == current:
            marks.append(f"*{phase.title}*")
        elif phase.number < current.number:
            marks.append(f"~{phase.title}~")
        else:
            marks.append(phase.title)
    return " → ".join(marks)


def gist(project: Project, now: datetime) -> str:
    phase = Phase(project.phase)
    return (f"{escape(project.name)} is in {phase.title} — day {day_in_phase(project.phase_since, now)}, "
            f"iteration {project.iteration}")


def status_card(project: Project, now: datetime, snapshot: TeamSnapshot, slash: str, *,
                open_alerts: tuple[Sequence[AlertGroup], int] | None = None,
                schedule_lines: Sequence[str] = (), target_line: str | None = None,
                work_lines: Sequence[str] = ()) -> dict[str, Any]:
    """`snapshot`: who holds which role and the stakeholders (no history needed); `open_alerts`: the newest
    firing groups and how many there are; `target_line`: the phase against its target (bot.views.targets);
    `work_lines`: milestones and documentation (bot.views.milestones, bot.views.docs status lines)."""
    phase = Phase(project.phase)
    day = day_in_phase(project.phase_since, now)
    roles = team.role_lines(snapshot) or f"Nobody yet: `{slash} role add @user ROLE`."
    blocks = [
        header(project.name),  # plain_text: shown as typed
        section(f"*{phase.title}* (phase {phase.number} of 6) · day {day} · iteration {project.iteration}"
                + (f"\n{target_line}" if target_line else ""),
                fields=[
                    f"*Phase since*\n{slack_date(project.phase_since)}",
                    f"*Channel*\n{channel(project.channel_id)}",
                    f"*Started by*\n{user(project.created_by)}",
                    f"*Alert slug*\n{code(project.slug)}",
                    *team.objective_lines(project, slash),
                ]),
        section(f"*Roles*\n{roles}\n{team.missing_line(phase, snapshot)}"),
        section(f"*Stakeholders:* {team.stakeholder_line(snapshot)}"),
        context(phase_track(phase)),
    ]
    if work_lines:
        blocks.insert(-1, section("\n".join(work_lines)))
    if open_alerts is not None:
        blocks.insert(-1, section(alert_ops.status_alerts(*open_alerts, now, slash)))
    if schedule_lines:  # the next check-in and digest (bot.views.schedules.next_line)
        blocks.insert(-1, section("\n".join(schedule_lines)))
    missing = missing_roles(phase, snapshot.roles_held())
    lacking = f"\nMissing for {phase.title}: {', '.join(r.title for r in missing)}" if missing else ""
    return message(gist(project, now) + lacking, blocks)
