"""`alerts route KEY=VALUE`: bind a label match to the channel's project (leads manage routes). Each
change is audited and announced in the channel in one transaction."""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError

from bot.errors import UserError
from bot.permissions import Action, Caller
from bot.services import Services
from bot.text import clean_text, require_length, unescape_slack
from bot.views import alerts as views
from bot.views.mrkdwn import channel, code
from storage.queries import alerts as alert_rows
from storage.queries import audit
from storage.tables import AlertRoute, Project

LABEL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SLACK_TOKEN = re.compile(r"<[^<>]*>")
_QUOTES = "\"'“”‘’"


def parse_match(args: str, slash: str) -> tuple[str, str]:
    """`KEY=VALUE` as typed (slash text, Slack-escaped); quotes around VALUE are dropped."""
    usage = f"Give a label match, e.g. {code(f'{slash} alerts route model=fraud-scorer')}."
    text = clean_text(args, single_line=True)
    if _SLACK_TOKEN.search(text):
        raise UserError("A label value cannot be a mention, channel or link. " + usage)
    key, equals, value = unescape_slack(text).partition("=")
    key, value = key.strip(), value.strip().strip(_QUOTES).strip()
    if not equals or not key or not value:
        raise UserError(usage)
    if not LABEL_NAME.fullmatch(key):
        raise UserError(f"{code(key)} is not a label name (letters, digits and `_`, not starting with a digit). "
                        + usage)
    require_length(key, 100, "The label name")
    require_length(value, 200, "The label value")
    return key, value


async def add_route(services: Services, caller: Caller, project: Project, key: str, value: str) -> None:
    caller.require(Action.MANAGE_SCHEDULES)
    try:
        async with services.db.transaction() as session:
            await _check_free(session, caller.team_id, key, value, project)
            now = services.clock.now()
            session.add(AlertRoute(team_id=caller.team_id, project_id=project.id, label_key=key, label_value=value,
                                   created_by=caller.user_id, created_at=now))
            await audit.record(session, team_id=caller.team_id, project_id=project.id, actor_id=caller.user_id,
                               action="alerts.route_added", now=now, key=key, value=value)
            await services.outbox.post(session, caller.team_id, project.channel_id,
                                       views.route_added(key, value, project), requested_by=caller.user_id)
    except IntegrityError:  # someone added the same match a moment ago
        async with services.db.read() as session:
            await _check_free(session, caller.team_id, key, value, project)
        raise


async def _check_free(session, team_id: str, key: str, value: str, project: Project) -> None:
    existing = await alert_rows.route_for(session, team_id, key, value)
    if existing is None:
        return
    route, owner = existing
    if owner.id == project.id:
        raise UserError(f"Alerts labelled {code(f'{key}={value}')} already come to this channel.")
    raise UserError(f"Alerts labelled {code(f'{key}={value}')} already go to {channel(owner.channel_id)}; "
                    f"remove that route there first (`alerts unroute {key}={value}`).")


async def remove_route(services: Services, caller: Caller, project: Project, key: str, value: str) -> None:
    caller.require(Action.MANAGE_SCHEDULES)
    async with services.db.transaction() as session:
        existing = await alert_rows.route_for(session, caller.team_id, key, value)
        if existing is None or existing[1].id != project.id:
            raise UserError(f"No route for {code(f'{key}={value}')} in this channel.")
        await alert_rows.remove_route(session, existing[0].id)
        now = services.clock.now()
        await audit.record(session, team_id=caller.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="alerts.route_removed", now=now, key=key, value=value)
