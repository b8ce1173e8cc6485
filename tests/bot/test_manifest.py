"""The manifest asks for what Crisp uses and nothing more, and its usage hint comes from the command table."""

from __future__ import annotations

import re
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.dispatch import command_table
from bot.commands.registry import Command, CommandTable, Reply
from bot.manifest import BOT_EVENTS, build_manifest, usage_hint
from bot.views.ids import CallbackId

REPO = Path(__file__).resolve().parents[2]

# Slack's documented requirement for each Web API method and event (docs.slack.dev/reference).
METHOD_SCOPES: dict[str, set[str]] = {
    "auth.test": set(),
    # The install flow and token refreshes: the app's client id and secret, no scope.
    "oauth.v2.access": set(),
    # Socket Mode: the app-level token's `connections:write`, not a bot scope.
    "apps.connections.open": set(),
    "views.open": set(), "views.publish": set(), "views.update": set(), "views.push": set(),
    "chat.postMessage": {"chat:write"}, "chat.update": {"chat:write"}, "chat.postEphemeral": {"chat:write"},
    "chat.delete": {"chat:write"},
    "conversations.join": {"channels:join"},
    "conversations.open": {"im:write"},
    "conversations.history": {"channels:history", "groups:history", "mpim:history", "im:history"},
    "conversations.replies": {"channels:history", "groups:history", "mpim:history", "im:history"},
    "files.getUploadURLExternal": {"files:write"}, "files.completeUploadExternal": {"files:write"},
    "files.info": {"files:read"},
    "users.info": {"users:read"},
}
EVENT_SCOPES = {"app_home_opened": set(), "member_joined_channel": {"channels:read", "groups:read"},
                "app_uninstalled": set(), "tokens_revoked": set()}
SLASH_COMMAND_SCOPES = {"commands"}


def web_api_methods() -> set[str]:
    return {name.replace("_", ".") for name in dir(AsyncWebClient)
            if not name.startswith("_") and "_" in name and name[0].islower() and name != "api_call"}


def methods_called_by_crisp() -> set[str]:
    """Web API methods named anywhere in the bot's own code (the stand-in and the console imitate Slack)."""
    known = web_api_methods()
    found = set()
    for path in [*REPO.glob("bot/**/*.py"), *REPO.glob("handlers/**/*.py")]:
        if {"slack_standin", "console"} & set(path.relative_to(REPO).parts):
            continue
        source = path.read_text()
        for dotted in re.findall(r'"([a-z]+(?:\.[a-zA-Z]+)+)"', source):
            if dotted in known:
                found.add(dotted)
        for snake in re.findall(r"\.([a-z]+_[a-zA-Z_]+)\(", source):
            if snake.replace("_", ".") in known:
                found.add(snake.replace("_", "."))
    return found


def test_every_scope_is_used_and_every_used_method_has_its_scope():
    called = methods_called_by_crisp()
    assert {"chat.postMessage", "conversations.history", "views.open", "conversations.join"} <= called
    unknown = called - set(METHOD_SCOPES)
    assert not unknown, f"add the scopes these methods need to bot/manifest.py and METHOD_SCOPES: {unknown}"
    needed = set().union(SLASH_COMMAND_SCOPES, *(METHOD_SCOPES[m] for m in called),
                         *(EVENT_SCOPES[e] for e in BOT_EVENTS))
    asked = build_manifest("/crisp")["oauth_config"]["scopes"]["bot"]
    assert len(asked) == len(set(asked))
    assert set(asked) == needed


def test_the_messages_tab_is_read_only():
    app_home = build_manifest("/crisp")["features"]["app_home"]
    assert app_home["messages_tab_read_only_enabled"] is True
    assert app_home["home_tab_enabled"] is True


def test_the_usage_hint_names_every_command_word_of_the_table_once():
    [command] = build_manifest("/crisp")["features"]["slash_commands"]
    assert command["usage_hint"] == "help | status | project … | phase … | roles | role … | stakeholder … | milestone … | milestones | docs … | alerts … | checkin … | digest … | feedback …"
    assert {word.removesuffix(" …") for word in command["usage_hint"].split(" | ")} == {
        c.words[0] for c in command_table().in_help_order}


def test_the_usage_hint_grows_with_the_table():
    async def move_on(invocation) -> Reply:
        return Reply()

    grown = CommandTable([*command_table().in_help_order,
                          Command(("timeline",), "the phase timeline", move_on),
                          Command(("model", "card"), "exports a model card", move_on)])
    assert usage_hint(grown) == usage_hint(command_table()) + " | timeline | model …"


def test_the_message_shortcut_is_declared_with_its_callback_id():
    [shortcut] = build_manifest("/crisp")["features"]["shortcuts"]
    assert shortcut == {"name": "Send as model feedback", "type": "message", "callback_id": CallbackId.MODEL_FEEDBACK,
                        "description": "Store this message as feedback on the model's predictions"}
    assert len(shortcut["name"]) <= 24 and len(shortcut["description"]) <= 80  # Slack's limits for shortcuts


def test_every_event_crisp_listens_to_is_subscribed():
    """Slack sends an event only to apps subscribed to it: an uninstall would otherwise go unnoticed."""
    sources = "\n".join(path.read_text() for path in (REPO / "handlers").glob("**/*.py"))
    listened = set(re.findall(r'app\.event\("([a-z_]+)"\)', sources))
    assert {"app_uninstalled", "tokens_revoked", "app_home_opened", "member_joined_channel"} <= listened
    subscribed = build_manifest("/crisp")["settings"]["event_subscriptions"]["bot_events"]
    assert listened <= set(subscribed)
