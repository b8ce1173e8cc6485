"""The Slack app manifest: everything Slack must know to install Crisp."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

BOT_SCOPES = [
    "commands",
    "chat:write",
    "channels:join",       # join a public project channel before posting there
    "channels:read", "groups:read", "im:read", "mpim:read",  # conversations.info
    # conversations.history: after a crash, find out whether a message was already posted
    "channels:history", "groups:history", "im:history", "mpim:history",
    "im:write",            # conversations.open for DMs
    "users:read",
    "files:write",
]
BOT_EVENTS = ["app_home_opened", "member_joined_channel"]
USAGE_HINT = "help | status | project create NAME | phase next | role add @user ROLE"


class ManifestError(ValueError):
    pass


def events_url(request_url: str) -> str:
    parts = urlsplit(request_url)
    if parts.scheme != "https" or not parts.netloc:
        raise ManifestError(f"--request-url must be an https:// URL Slack can reach, not {request_url!r}")
    if parts.path in ("", "/"):
        return request_url.rstrip("/") + "/slack/events"
    return request_url


def build_manifest(slash_command: str, *, request_url: str | None = None) -> dict[str, Any]:
    """Socket Mode unless a request URL is given (HTTP mode)."""
    url = events_url(request_url) if request_url else None
    command: dict[str, Any] = {
        "command": slash_command,
        "description": "Keep this channel's ML project on track along CRISP-DM",
        "usage_hint": USAGE_HINT,
        "should_escape": True,
    }
    events: dict[str, Any] = {"bot_events": BOT_EVENTS}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if url:
        command["url"] = url
        events["request_url"] = url
        interactivity["request_url"] = url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "Crisp",
            "description": "Keeps ML projects on track along CRISP-DM: phases, roles, check-ins, digests, docs, alerts.",
            "background_color": "#1f3a5f",
        },
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": "Crisp", "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": url is None,
            "token_rotation_enabled": False,
        },
    }
