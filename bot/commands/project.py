from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.permissions import Action
from bot.projects import service
from bot.projects.naming import NameSource
from bot.views import projects as views


async def create(invocation: Invocation) -> Reply:
    if not invocation.args:
        # No name given: ask for one in a modal (the one Slack call allowed on the ack path).
        service.require_channel(invocation.channel_id)
        await invocation.open_modal(views.create_modal(invocation.channel_id))
        return Reply()
    project = await service.create_project(invocation.services, invocation.caller, invocation.channel_id,
                                           invocation.args, source=NameSource.COMMAND)
    return Reply(views.created_reply(project, invocation.services.settings.slash_command))


async def list_all(invocation: Invocation) -> Reply:
    listing = await service.list_projects(invocation.reads, invocation.caller.team_id)
    return Reply(views.project_list(listing.projects, listing.archived, invocation.services.clock.now(),
                                    invocation.services.settings.slash_command))


async def archive(invocation: Invocation) -> Reply:
    await service.archive_project(invocation.services, invocation.caller, invocation.project)
    return Reply(views.archived_reply(invocation.project))


COMMANDS = [
    Command(("project", "create"), "start a project bound to this channel", create, args="NAME",
            action=Action.CREATE_PROJECT, needs_project=False),
    Command(("project", "list"), "all projects with their channel and phase", list_all),
    Command(("project", "archive"), "archive this channel's project", archive,
            action=Action.ARCHIVE_PROJECT, needs_project=True),
]
