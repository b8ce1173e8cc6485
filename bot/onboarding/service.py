"""Where people meet Crisp outside the slash command: the App Home tab, someone (or Crisp itself) joining a
channel, and the *Create a project* button. Each change is one transaction with its outbox rows."""

from __future__ import annotations

from typing import Any

from bot.checkins import early
from bot.crisp_dm import GENERIC_TASKS, Phase, missing_roles
from bot.errors import UserError
from bot.onboarding import guide
from bot.projects.service import require_channel
from bot.permissions import PROJECT_LEADS
from bot.services import Services
from bot.views import guide as guide_views
from bot.views import home
from bot.views import projects as project_views
from storage.queries import home as home_queries
from storage.queries import alert_ops, projects, team
from storage.queries import docs as doc_rows
from storage.queries import checkins as checkin_rows


async def publish_home(services: Services, team_id: str, user_id: str) -> None:
    """The person's App Home tab: their projects with their roles and what waits on them, then the team's
    other active projects (a newer unsent view replaces an older one)."""
    async with services.db.read() as session:
        active = await projects.active_for_team(session, team_id)
        memberships = await team.memberships(session, team_id, user_id)
        ours = [project for project in active if project.id in memberships]
        # Gaps in the team are shown to those who lead the project; checklist items to everyone on the team.
        leading = [p.id for p in ours if PROJECT_LEADS & set(memberships[p.id].roles) or services.is_admin(user_id)]
        held = await team.roles_held_in(session, leading)
        ticked = await home_queries.ticked_now(session, {p.id: p.iteration for p in ours if memberships[p.id].roles})
        alert_counts = await alert_ops.open_counts(session, [p.id for p in ours])
        asked = await doc_rows.asked_of(session, [p.id for p in ours], user_id)
        checkin_schedules = await checkin_rows.checkin_schedules(session, [p.id for p in ours
                                                                           if memberships[p.id].roles])
    now = services.clock.now()
    mine = []
    for project in ours:
        phase = Phase(project.phase)
        membership = memberships[project.id]
        open_tasks = None
        if project.id in ticked:
            open_tasks = tuple(task for task in GENERIC_TASKS[phase] if task.key not in ticked[project.id])
        firing, unacknowledged = alert_counts.get(project.id, (0, 0))
        mine.append(home.MyProject(project, membership.roles, membership.stakeholder,
                                   missing=missing_roles(phase, held[project.id]) if project.id in held else (),
                                   open_tasks=open_tasks, open_alerts=firing, unacknowledged_alerts=unacknowledged,
                                   docs_asked=tuple(asked.get(project.id, ())),
                                   next_checkin=early.next_for_home(checkin_schedules.get(project.id), now)))
    others = [project for project in active if project.id not in memberships]
    view = home.home_view(mine, others, now, services.settings.slash_command)
    async with services.db.transaction() as session:
        await services.outbox.publish_home(session, team_id, user_id, view)


async def member_joined(services: Services, *, team_id: str, channel_id: str, user_id: str,
                        bot_user_id: str | None, dedupe_key: str | None, inviter: str | None = None) -> None:
    """Crisp added to a channel without a project introduces itself; a person joining a project's channel
    gets a private welcome. `dedupe_key` keeps Slack's retries of one event to one answer."""
    async with services.db.transaction() as session:
        project = await projects.active_in_channel(session, team_id, channel_id)
        if bot_user_id is not None and user_id == bot_user_id:
            slash = services.settings.slash_command
            if project is None:
                await services.outbox.post(session, team_id, channel_id,
                                           project_views.intro_message(slash, _guide(None)),
                                           dedupe_key=dedupe_key, requested_by=inviter)
            else:
                phase = Phase(project.phase)
                await services.outbox.post(session, team_id, channel_id,
                                           guide_views.guide_message(project.name, phase, _guide(phase), slash),
                                           dedupe_key=dedupe_key, requested_by=inviter)
        elif project is not None:
            welcome = project_views.welcome_ephemeral(project, services.clock.now(), services.settings.slash_command)
            await services.outbox.ephemeral(session, team_id, channel_id, user_id, welcome, dedupe_key=dedupe_key,
                                            requested_by=user_id)


def _guide(phase: Phase | None) -> list[tuple[str, str]]:
    return [(command.usage, command.summary) for command in guide.commands_for(phase)]


async def require_room_for_a_project(services: Services, team_id: str, channel_id: str) -> None:
    """Raises UserError unless a project could be created in this channel."""
    require_channel(channel_id)
    async with services.db.read() as session:
        existing = await projects.active_in_channel(session, team_id, channel_id)
    if existing is not None:
        raise UserError(project_views.already_tracks(existing))


async def tell_privately(services: Services, team_id: str, channel_id: str, user_id: str,
                         message: dict[str, Any]) -> None:
    """An ephemeral answer for a button press (it has no HTTP response to carry one)."""
    async with services.db.transaction() as session:
        await services.outbox.ephemeral(session, team_id, channel_id, user_id, message, requested_by=user_id)
