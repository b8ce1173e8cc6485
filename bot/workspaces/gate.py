"""Requests from a workspace that uninstalled Crisp are answered before Bolt: a command gets one clear
ephemeral line ("reinstall Crisp"), anything else an empty 200. In OAuth mode Bolt's own answer to a
workspace without an installation would call Slack (its `response_url`) on the ack path; here nothing
does.

A workspace marked uninstalled that has a token again (reinstalled through the install page, in
another process or before the install hook ran) is resumed by its first request instead."""

from __future__ import annotations

from typing import Any

from bot.services import Services
from bot.workspaces import service as workspaces
from bot.workspaces.tokens import TokenUnavailable

# Events that must reach Bolt whatever the workspace's state: they are how it learns the state.
ALWAYS_PASS_EVENTS = frozenset({"app_uninstalled", "tokens_revoked"})


def reinstall_text(services: Services) -> str:
    return (f":warning: Crisp is not installed in this workspace any more, so `{services.settings.slash_command}` "
            "cannot do anything here. Ask a workspace admin to reinstall Crisp (*Add to Slack*): its projects, "
            f"people and schedules are kept for {services.settings.uninstalled_data_days} days after the uninstall "
            "and come back as they were.")


def team_of(body: dict[str, Any]) -> str | None:
    """The workspace a checked body comes from (commands and events: `team_id`; interactions: `team.id`,
    else `user.team_id`)."""
    team = body.get("team")
    if isinstance(team, dict) and isinstance(team.get("id"), str):
        return team["id"]
    if isinstance(body.get("team_id"), str):
        return body["team_id"]
    user = body.get("user")
    if isinstance(user, dict) and isinstance(user.get("team_id"), str):
        return user["team_id"]
    return None


async def refusal(services: Services, body: dict[str, Any]) -> dict[str, Any] | None:
    """None: let Bolt have it. Otherwise the answer to give instead ({} for an empty 200)."""
    states = services.workspace_states
    team_id = team_of(body)
    if states is None or team_id is None:
        return None
    event = body.get("event")
    if isinstance(event, dict) and event.get("type") in ALWAYS_PASS_EVENTS:
        return None
    if not await states.is_uninstalled(team_id):
        return None
    if services.multi_workspace and services.tokens is not None \
            and await _has_token(services, team_id, body.get("enterprise_id")):
        await workspaces.installed(services, team_id)  # installed again elsewhere: resume it now
        return None
    if "command" in body:
        return {"response_type": "ephemeral", "text": reinstall_text(services)}
    return {}


async def _has_token(services: Services, team_id: str, enterprise_id: str | None) -> bool:
    try:
        return await services.tokens.bot_token(team_id, enterprise_id) is not None
    except TokenUnavailable:
        return True  # installed again; its token is being refreshed
