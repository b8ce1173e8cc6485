"""`alerts`, `alerts route KEY=VALUE`, `alerts unroute KEY=VALUE`."""

from __future__ import annotations

from bot.alerts import routes
from bot.commands.registry import Command, Invocation, Reply
from bot.permissions import Action
from bot.views import alerts as views
from storage.queries import alerts as alert_rows

LISTED = 20


async def show_open(invocation: Invocation) -> Reply:
    """Open groups of this channel's project; in a channel without one, those that reached no project."""
    project = invocation.project
    groups, total = await alert_rows.open_groups(invocation.reads, project_id=project.id if project else None,
                                                 limit=LISTED)
    return Reply(views.open_alerts_reply(project, groups, total, invocation.services.clock.now(),
                                         invocation.services.settings.slash_command))


async def route(invocation: Invocation) -> Reply:
    slash = invocation.services.settings.slash_command
    project = invocation.project
    if not invocation.args:
        existing = await alert_rows.routes_of(invocation.reads, project.id)
        return Reply(views.route_list(project, [(r.label_key, r.label_value) for r in existing], slash))
    key, value = routes.parse_match(invocation.args, slash)
    await routes.add_route(invocation.services, invocation.caller, project, key, value)
    return Reply(views.route_added_reply(key, value))


async def unroute(invocation: Invocation) -> Reply:
    key, value = routes.parse_match(invocation.args, invocation.services.settings.slash_command)
    await routes.remove_route(invocation.services, invocation.caller, invocation.project, key, value)
    return Reply(views.route_removed(key, value))


COMMANDS = [
    Command(("alerts",), "open alerts for this project, newest first", show_open),
    Command(("alerts", "route"), "relay alerts whose labels match to this channel", route, args="KEY=VALUE",
            action=Action.MANAGE_SCHEDULES, needs_project=True),
    Command(("alerts", "unroute"), "stop relaying alerts with this label match here", unroute, args="KEY=VALUE",
            action=Action.MANAGE_SCHEDULES, needs_project=True),
]
