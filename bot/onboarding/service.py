"""Where people meet Crisp outside the slash command: the App Home tab, someone (or Crisp itself) joining a
channel, and the *Create a project* button. Each change is one transaction with its outbox rows."""

from __future__ import annotations

from typing import Any

from bot.crisp_dm import Phase
from bot.errors import UserError
from bot.onboarding import guide
from bot.onboarding import home as home_state
from bot.projects.service import require_channel
from bot.services import Services
from bot.views import guide as guide_views
from bot.views import home
from bot.views import projects as project_views
from storage.queries import projects


async def publish_home(services: Services, team_id: str, user_id: str) -> None:
    """The person's App Home tab: their projects with their roles and what waits on them, then the team's
    other active projects (a newer unsent view replaces an older one)."""
    now = services.clock.now()
    async with services.db.read() as session:
        mine, others = await home_state.gather(services, session, team_id, user_id, now)
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
