"""What the App Home tab shows one person, read in a fixed handful of statements however many projects
there are: their projects with their roles and what waits on them, then the team's other active projects."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins import early
from bot.crisp_dm import GENERIC_TASKS, Phase, missing_roles
from bot.permissions import PROJECT_LEADS
from bot.services import Services
from bot.views import home
from storage.queries import alert_ops, projects, team
from storage.queries import docs as doc_rows
from storage.queries import home as home_queries
from storage.tables import Project


async def gather(services: Services, session: AsyncSession, team_id: str, user_id: str,
                 now: datetime) -> tuple[list[home.MyProject], list[Project]]:
    active = await projects.active_for_team(session, team_id)
    memberships = await team.memberships(session, team_id, user_id)
    ours = [project for project in active if project.id in memberships]
    # Gaps in the team and documentation nobody was asked for go to those who lead the project; checklist
    # items and check-ins to everyone on the team.
    leading = [p.id for p in ours if PROJECT_LEADS & set(memberships[p.id].roles) or services.is_admin(user_id)]
    on_team = [p.id for p in ours if memberships[p.id].roles]
    held = await team.roles_held_in(session, leading)
    ticked = await home_queries.ticked_now(session, {p.id: p.iteration for p in ours if memberships[p.id].roles})
    alert_counts = await alert_ops.open_counts(session, [p.id for p in ours])
    asked, unassigned = await doc_rows.for_home(session, [p.id for p in ours], user_id, leading)
    schedules = await home_queries.checkin_schedules(session, on_team, user_id, now)
    running = await home_queries.open_checkins(session, on_team, user_id, now)
    mine = []
    for project in ours:
        phase = Phase(project.phase)
        membership = memberships[project.id]
        open_tasks = None
        if project.id in ticked:
            open_tasks = tuple(task for task in GENERIC_TASKS[phase] if task.key not in ticked[project.id])
        firing, unacknowledged = alert_counts.get(project.id, (0, 0))
        schedule, answered_early = schedules.get(project.id, (None, frozenset()))
        upcoming = early.next_for_home(schedule, now)
        current = running.get(project.id)
        mine.append(home.MyProject(
            project, membership.roles, membership.stakeholder,
            missing=missing_roles(phase, held[project.id]) if project.id in held else (),
            open_tasks=open_tasks, open_alerts=firing, unacknowledged_alerts=unacknowledged,
            docs_asked=tuple(asked.get(project.id, ())), docs_unassigned=tuple(unassigned.get(project.id, ())),
            next_checkin=upcoming,
            answered_early=upcoming is not None and upcoming[0]["t"] in answered_early,
            open_checkin=home.OpenCheckin(*current) if current is not None else None))
    others = [project for project in active if project.id not in memberships]
    return mine, others
