"""`alerts`, `alerts route KEY=VALUE`, `alerts unroute KEY=VALUE`."""

from __future__ import annotations

import re

from bot.alerts import routes
from bot.alerts import tokens as alert_tokens
from bot.errors import UserError
from bot.commands.registry import Command, Invocation, Reply
from bot.permissions import Action
from bot.views import alerts as views
from bot.views import workspace_alerts
from storage.queries import alerts as alert_rows

LISTED = 20


async def show_open(invocation: Invocation) -> Reply:
    """Open groups of this channel's project; in a channel without one, those that reached no project."""
    project = invocation.project
    groups, total = await alert_rows.open_groups(invocation.reads, project_id=project.id if project else None,
                                                 limit=LISTED, team_id=invocation.caller.team_id)
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


async def token(invocation: Invocation) -> Reply:
    return await _token(invocation, rotate=False)


async def token_rotate(invocation: Invocation) -> Reply:
    return await _token(invocation, rotate=True)


async def _token(invocation: Invocation, *, rotate: bool) -> Reply:
    services = invocation.services
    slash = services.settings.slash_command
    issued = await alert_tokens.issue(services, invocation.caller, rotate=rotate)
    if issued.token is None:
        workspace = await alert_tokens.current(services, invocation.caller.team_id)
        return Reply(workspace_alerts.token_exists(workspace.alert_token_set_by, workspace.alert_token_set_at, slash))
    return Reply(workspace_alerts.token_issued(issued.token, rotated=issued.rotated, slash=slash))


CHANNEL_REF = re.compile(r"<#([CG][A-Z0-9]{2,30})(?:\|[^>]*)?>")


async def channel(invocation: Invocation) -> Reply:
    services = invocation.services
    slash = services.settings.slash_command
    args = invocation.args.strip()
    if not args:
        workspace = await alert_tokens.current(services, invocation.caller.team_id)
        return Reply(workspace_alerts.channel_shown(workspace.alert_channel if workspace else None, slash))
    if args.lower() in ("off", "none"):
        chosen = None
    else:
        found = CHANNEL_REF.fullmatch(args)
        if found is None:
            raise UserError(f"Name a channel as Slack links it (type `#` and pick one), e.g. "
                            f"`{slash} alerts channel #alerts`, or `{slash} alerts channel off`.")
        chosen = found.group(1)
    await alert_tokens.set_channel(services, invocation.caller, chosen)
    return Reply(workspace_alerts.channel_set(chosen, slash))


COMMANDS = [
    Command(("alerts",), "open alerts for this project, newest first", show_open),
    Command(("alerts", "route"), "relay alerts whose labels match to this channel", route, args="KEY=VALUE",
            action=Action.MANAGE_SCHEDULES, needs_project=True),
    Command(("alerts", "unroute"), "stop relaying alerts with this label match here", unroute, args="KEY=VALUE",
            action=Action.MANAGE_SCHEDULES, needs_project=True),
    Command(("alerts", "token"), "issue this workspace's alert token, shown once (admins)", token,
            action=Action.MANAGE_WORKSPACE),
    Command(("alerts", "token", "rotate"), "replace this workspace's alert token (admins)", token_rotate,
            action=Action.MANAGE_WORKSPACE),
    Command(("alerts", "channel"), "where this workspace's alerts that match no project go (admins)", channel,
            args="[#CHANNEL|off]", action=Action.MANAGE_WORKSPACE),
]
