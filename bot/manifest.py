"""The Slack app manifest: everything Slack must know to install Crisp."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.commands.dispatch import command_table
from bot.commands.registry import CommandTable
from bot.views.feedback import SHORTCUT_NAME
from bot.views.ids import CallbackId

# Only what Crisp calls today (every Web API method in bot/ and handlers/), each with its reason.
# auth.test, views.open and views.publish need no scope.
BOT_SCOPES = [
    "commands",                                 # the slash command
    "chat:write",                               # chat.postMessage, chat.update, chat.postEphemeral
    "channels:join",                            # conversations.join: a public project channel before posting
    "channels:read", "groups:read",             # the member_joined_channel event in public / private channels
    "im:write",                                 # conversations.open: a person's DM (the outbox, by user id)
    # conversations.history / conversations.replies: after a crash, was this message already posted?
    # Asked wherever Crisp posts: public and private channels, group DMs and DMs.
    "channels:history", "groups:history", "mpim:history", "im:history",
    "files:write",                              # files.getUploadURLExternal / completeUploadExternal (uploads)
    "files:read",                               # files.info: after a lost answer, was the file already shared?
    "users:read",                               # users.info: names, time zones and vacation status
]
# app_uninstalled / tokens_revoked: a workspace that removes Crisp has its tokens deleted, its schedules stopped
# and its pending messages parked (bot/workspaces/service.py); Slack sends them only to apps subscribed.
BOT_EVENTS = ["app_home_opened", "member_joined_channel", "app_uninstalled", "tokens_revoked"]


def usage_hint(table: CommandTable) -> str:
    """Every command word the bot has, from the command table, so the hint grows as commands land; a
    word that leads several commands or takes more is shown once with "…" (`help` lists them all), so
    the hint stays one short line in Slack's autocomplete."""
    words: dict[str, bool] = {}
    for command in table.in_help_order:
        first = command.words[0]
        words[first] = words.get(first, False) or len(command.words) > 1 or command.takes_args
    return " | ".join(f"{word} …" if more else word for word, more in words.items())


class ManifestError(ValueError):
    pass


def events_url(request_url: str) -> str:
    parts = urlsplit(request_url)
    if parts.scheme != "https" or not parts.netloc:
        raise ManifestError(f"--request-url must be an https:// URL Slack can reach, not {request_url!r}")
    if parts.path in ("", "/"):
        return request_url.rstrip("/") + "/slack/events"
    return request_url


def redirect_url(request_url: str) -> str:
    """Where Slack sends the installer back: /slack/oauth_redirect beside /slack/events."""
    parts = urlsplit(events_url(request_url))
    root = parts.path.removesuffix("/slack/events").rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{root}/slack/oauth_redirect"


def build_manifest(slash_command: str, *, request_url: str | None = None, oauth: bool = False) -> dict[str, Any]:
    """Socket Mode unless a request URL is given (HTTP mode). `oauth` (SLACK_CLIENT_ID set: many
    workspaces install Crisp) adds the install flow's redirect URL and turns on token rotation."""
    if oauth and not request_url:
        raise ManifestError("serving many workspaces (SLACK_CLIENT_ID) runs in HTTP mode: give --request-url URL")
    url = events_url(request_url) if request_url else None
    command: dict[str, Any] = {
        "command": slash_command,
        "description": "Keep this channel's ML project on track along CRISP-DM",
        "usage_hint": usage_hint(command_table()),
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
            "description": "Keeps ML projects on track along CRISP-DM, in the channels where teams work.",
            "background_color": "#1f3a5f",
        },
        "features": {
            # Crisp's DMs show in the Messages tab; nothing answers what people would type there.
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": True},
            "bot_user": {"display_name": "Crisp", "always_online": True},
            "slash_commands": [command],
            "shortcuts": [{"name": SHORTCUT_NAME, "type": "message", "callback_id": CallbackId.MODEL_FEEDBACK,
                           "description": "Store this message as feedback on the model's predictions"}],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES},
                         **({"redirect_urls": [redirect_url(request_url)]} if oauth else {})},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": url is None,
            "token_rotation_enabled": oauth,
        },
    }
