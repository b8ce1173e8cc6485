"""Requests from a workspace without Crisp are answered before Bolt: a command gets one clear ephemeral
line, anything else an empty 200, and nothing calls Slack. That is a workspace that uninstalled Crisp
("reinstall Crisp"), and in OAuth mode one that never installed it ("install it from <install page>"):
Bolt's own answer to a workspace without an installation calls Slack (its `response_url`) on the ack path.

A workspace marked uninstalled that has a token again (reinstalled through the install page, in
another process or before the install hook ran) is resumed by its first request instead."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slack_bolt.request.internals import extract_enterprise_id

from bot.services import Services
from bot.workspaces import service as workspaces
from bot.workspaces.install_pages import INSTALL_PAGE_PATH

# Events that must reach Bolt whatever the workspace's state: they are how it learns the state.
ALWAYS_PASS_EVENTS = frozenset({"app_uninstalled", "tokens_revoked"})
# A host name (and port) as a proxy passes it on; anything else is not put into a link.
HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})(?::[0-9]{1,5})?")


def install_page_url(headers: Mapping[str, str]) -> str | None:
    """Where Slack reached Crisp, made into the install page's address: Slack calls the request URL over
    https at the host the operator gave it (a proxy may pass it as X-Forwarded-Host). None when the
    header is not a plain host name."""
    host = (headers.get("X-Forwarded-Host") or headers.get("Host") or "").split(",")[0].strip()
    if not HOST.fullmatch(host):
        return None
    scheme = (headers.get("X-Forwarded-Proto") or "https").split(",")[0].strip().lower()
    return f"{'http' if scheme == 'http' else 'https'}://{host}{INSTALL_PAGE_PATH}"


def _install_at(install_url: str | None) -> str:
    return f"<{install_url}|{install_url}>" if install_url else f"Crisp's install page (`{INSTALL_PAGE_PATH}`)"


def reinstall_text(services: Services, install_url: str | None = None) -> str:
    return (f":warning: Crisp is not installed in this workspace any more, so `{services.settings.slash_command}` "
            f"cannot do anything here. Ask a workspace admin to reinstall Crisp (*Add to Slack* on "
            f"{_install_at(install_url)}): its projects, people and schedules are kept for "
            f"{services.settings.uninstalled_data_days} days after the uninstall and come back as they were.")


def not_installed_text(services: Services, install_url: str | None = None) -> str:
    return (f":warning: Crisp is not installed in this workspace, so `{services.settings.slash_command}` cannot "
            f"do anything here yet. Install it from {_install_at(install_url)} (a workspace admin may need to "
            "approve it).")


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


async def has_installation(services: Services, team_id: str, enterprise_id: str | None) -> bool:
    """OAuth mode: whether the installation store holds a bot for the workspace (cached; no Slack call, no
    refresh). A token source without installations (single workspace) always has one."""
    installed = getattr(services.tokens, "installed", None)
    return installed is None or await installed(team_id, enterprise_id) is not None


async def refusal(services: Services, body: dict[str, Any],
                  headers: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """None: let Bolt have it. Otherwise the answer to give instead ({} for an empty 200)."""
    team_id = team_of(body)
    if team_id is None:
        return None
    event = body.get("event")
    if isinstance(event, dict) and event.get("type") in ALWAYS_PASS_EVENTS:
        return None
    enterprise_id = extract_enterprise_id(body)
    states = services.workspace_states
    if states is not None and await states.is_uninstalled(team_id):
        if services.multi_workspace and services.tokens is not None \
                and await _has_token(services, team_id, enterprise_id):
            await workspaces.installed(services, team_id)  # installed again elsewhere: resume it now
            return None
        text = reinstall_text
    elif services.multi_workspace and not await has_installation(services, team_id, enterprise_id):
        text = not_installed_text
    else:
        return None
    if "command" in body:
        return {"response_type": "ephemeral", "text": text(services, install_page_url(headers or {}))}
    return {}


async def _has_token(services: Services, team_id: str, enterprise_id: str | None) -> bool:
    """Installed again (elsewhere): read from the store as stored, never refreshed here, so the request path
    makes no Slack call; a token source without a store is asked for its token."""
    installed = getattr(services.tokens, "installed", None)
    if installed is not None:
        return await installed(team_id, enterprise_id) is not None
    return await services.tokens.bot_token(team_id, enterprise_id) is not None
