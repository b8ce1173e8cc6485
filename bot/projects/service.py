"""Creating, listing and archiving projects. Each change is audited and announced in one transaction."""

from __future__ import annotations

import re
import unicodedata

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from bot.crisp_dm import FIRST_PHASE, Role
from bot.errors import UserError
from bot.permissions import Action, Caller
from bot.projects.naming import MAX_SLUG_LENGTH, NameRefused, NameSource, clean_name, slugify
from bot.onboarding import guide
from bot.services import Services
from bot.team import service as team_service
from bot.views import projects as project_views
from bot.views.mrkdwn import escape
from storage.queries import audit, projects
from storage.tables import PhaseTransition, Project


@dataclass(frozen=True)
class ProjectListing:
    projects: list[Project]
    archived: int


def require_channel(channel_id: str) -> None:
    if not channel_id:  # a form whose hidden context lost its channel
        raise UserError("This form does not say which channel the project is for; start again from the channel.")
    if channel_id.startswith("D"):
        raise UserError("Projects live in channels: run this in the channel your team works in.")


async def create_project(services: Services, caller: Caller, channel_id: str, name_text: str, *,
                         source: NameSource) -> Project:
    """`name_text` as it arrived from `source` (slash text is still Slack-escaped)."""
    caller.require(Action.CREATE_PROJECT)
    require_channel(channel_id)
    name = clean_name(name_text, source)
    base_slug = slugify(name)
    for _ in range(3):  # a unique index refused a slug or channel taken a moment ago: look again
        try:
            return await _create(services, caller, channel_id, name, base_slug)
        except IntegrityError:
            continue
    raise UserError("Several projects were being created at once; please try again.")


async def _create(services: Services, caller: Caller, channel_id: str, name: str, base_slug: str) -> Project:
    async with services.db.transaction() as session:
        slug = await _free_slug(session, caller.team_id, channel_id, base_slug, name)
        now = services.clock.now()
        project = Project(team_id=caller.team_id, channel_id=channel_id, name=name, slug=slug,
                          phase=FIRST_PHASE, phase_since=now, iteration=1, created_by=caller.user_id,
                          created_at=now)
        session.add(project)
        await session.flush()
        session.add(PhaseTransition(project_id=project.id, from_phase=None, to_phase=FIRST_PHASE,
                                    iteration=1, actor_id=caller.user_id, created_at=now))
        await audit.record(session, team_id=caller.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="project.created", now=now, name=name, slug=slug, channel=channel_id)
        # A creator who is not an admin leads the project, so they can manage it.
        owner = not caller.is_admin
        if owner:
            await team_service.assign(session, team_id=caller.team_id, project_id=project.id,
                                      user_id=caller.user_id, role=Role.PRODUCT_OWNER, actor_id=caller.user_id,
                                      now=now)
        announcement = project_views.created_announcement(
            project, services.settings.slash_command, owner=owner,
            guide=[(c.usage, c.summary) for c in guide.commands_for(FIRST_PHASE)])
        await services.outbox.post(session, caller.team_id, channel_id, announcement,
                                   key=f"project:{project.id}:created", requested_by=caller.user_id)
    return project


def _same_name(a: str, b: str) -> bool:
    """Names people would call the same: case, width and spacing aside."""
    def key(name: str) -> str:
        return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name).casefold()).strip()
    return key(a) == key(b)


async def _free_slug(session, team_id: str, channel_id: str, slug: str, name: str) -> str:
    """`slug`, or `slug-2`, `slug-3`… when another project's different name gave the same slug. Refuses a
    channel that has a project, and a name another project already has."""
    for existing in await projects.active_in_channel_or_by_slug(session, team_id, channel_id, slug):
        if existing.channel_id == channel_id:
            raise NameRefused(project_views.already_tracks(existing),
                              in_form=project_views.already_tracks_in_form(existing))
    # Numbered slugs keep their base's first characters: every candidate starts with this.
    stem = slug[:MAX_SLUG_LENGTH - len("-999")]
    alike = await projects.active_with_slug_starting(session, team_id, stem)
    for existing in alike:
        if _same_name(existing.name, name):
            raise NameRefused(project_views.name_taken(existing), in_form=project_views.name_taken_in_form(existing))
    taken = {existing.slug for existing in alike}
    if slug not in taken:
        return slug
    for number in range(2, len(taken) + 3):
        suffix = f"-{number}"
        candidate = slug[:MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable: more candidates than taken slugs")


async def list_projects(session, team_id: str) -> ProjectListing:
    return ProjectListing(await projects.active_for_team(session, team_id),
                          await projects.archived_count(session, team_id))


async def archive_project(services: Services, caller: Caller, project: Project) -> None:
    caller.require(Action.ARCHIVE_PROJECT)
    async with services.db.transaction() as session:
        now = services.clock.now()
        if not await projects.archive(session, project.id, actor_id=caller.user_id, now=now):
            raise UserError(f"*{escape(project.name)}* is already archived.")
        await audit.record(session, team_id=caller.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="project.archived", now=now)
        await services.outbox.post(session, caller.team_id, project.channel_id,
                                   project_views.archived_announcement(project, caller.user_id,
                                                                       services.settings.slash_command),
                                   key=f"project:{project.id}:archived", requested_by=caller.user_id)
