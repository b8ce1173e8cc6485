"""Requests shaped like Slack's own (slash commands, block actions, view submissions, events), signed
with the console's signing secret, so console mode goes through the real HTTP endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0CRISP"
TEAM_DOMAIN = "crisp-console"
APP_ID = "A0CRISP"


@dataclass(frozen=True)
class Person:
    id: str
    name: str


@dataclass(frozen=True)
class Place:
    id: str
    name: str


def signed_headers(secret: str, body: str, *, content_type: str, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature}


def new_trigger_id() -> str:
    return f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:16]}"


# `@name` as typed: not inside a word (e-mail addresses) and not already escaped; ends on a word character
# so that "@alice." or "@alice," mention alice.
TYPED_MENTION = re.compile(r"(?<![\w<])@(\w(?:[\w.\-]*\w)?)")
SPECIAL_MENTIONS = {"here": "<!here>", "channel": "<!channel>", "everyone": "<!everyone>"}


def mentioned_names(text: str) -> list[str]:
    """The people `text` mentions by @name (@here, @channel and @everyone are not people)."""
    return [name for name in TYPED_MENTION.findall(text) if name.lower() not in SPECIAL_MENTIONS]


def escape_like_slack(text: str, users: dict[str, Person], places: dict[str, Place]) -> str:
    """What Slack sends for typed text with should_escape on: &<> escaped, @name and #name resolved."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def user(match: re.Match) -> str:
        name = match.group(1).lower()
        if name in SPECIAL_MENTIONS:
            return SPECIAL_MENTIONS[name]
        person = users.get(name)
        return f"<@{person.id}|{person.name}>" if person else match.group(0)

    def place(match: re.Match) -> str:
        found = places.get(match.group(1).lower())
        return f"<#{found.id}|{found.name}>" if found else match.group(0)

    text = TYPED_MENTION.sub(user, text)
    return re.sub(r"(?<![\w<&])#([\w\-]+)", place, text)


def slash_command(command: str, text: str, user: Person, place: Place, trigger_id: str, *,
                  team_id: str = TEAM_ID) -> tuple[str, str]:
    body = urlencode({
        "token": "console", "team_id": team_id, "team_domain": TEAM_DOMAIN, "channel_id": place.id,
        "channel_name": place.name, "user_id": user.id, "user_name": user.name, "command": command,
        "text": text, "api_app_id": APP_ID, "is_enterprise_install": "false",
        "response_url": f"https://hooks.slack.invalid/commands/{team_id}/console",
        "trigger_id": trigger_id,
    })
    return body, "application/x-www-form-urlencoded"


def interactive(payload: dict[str, Any]) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def user_object(user: Person, team_id: str = TEAM_ID) -> dict[str, Any]:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": team_id}


def block_action(user: Person, action: dict[str, Any], trigger_id: str, *, place: Place | None = None,
                 message: dict[str, Any] | None = None, view: dict[str, Any] | None = None,
                 ephemeral: bool = False, team_id: str = TEAM_ID) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions", "user": user_object(user, team_id), "api_app_id": APP_ID, "token": "console",
        "team": {"id": team_id, "domain": TEAM_DOMAIN}, "trigger_id": trigger_id,
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id")}
        payload["view"] = view
    else:
        payload["container"] = {"type": "message", "message_ts": (message or {}).get("ts"),
                                "channel_id": place.id if place else None, "is_ephemeral": ephemeral}
        payload["channel"] = {"id": place.id, "name": place.name} if place else None
        payload["message"] = message
        payload["response_url"] = f"https://hooks.slack.invalid/actions/{team_id}/console"
    return payload


def message_action(user: Person, place: Place, message: dict[str, Any], callback_id: str,
                   trigger_id: str) -> dict[str, Any]:
    """A message shortcut used on `message` (with its `ts`, `text` and `user`) in `place`."""
    return {"type": "message_action", "callback_id": callback_id, "trigger_id": trigger_id, "token": "console",
            "action_ts": f"{time.time():.6f}", "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
            "user": user_object(user), "channel": {"id": place.id, "name": place.name}, "message": message,
            "message_ts": message.get("ts"), "is_enterprise_install": False,
            "response_url": f"https://hooks.slack.invalid/actions/{TEAM_ID}/console"}


def view_submission(user: Person, view: dict[str, Any], values: dict[str, Any], trigger_id: str, *,
                    team_id: str = TEAM_ID) -> dict[str, Any]:
    submitted = {**view, "state": {"values": values}}
    return {"type": "view_submission", "team": {"id": team_id, "domain": TEAM_DOMAIN},
            "user": user_object(user, team_id), "api_app_id": APP_ID, "token": "console", "trigger_id": trigger_id,
            "view": submitted, "response_urls": []}


def event(event_body: dict[str, Any], *, bot_user_id: str | None = None, team_id: str = TEAM_ID) -> tuple[str, str]:
    """An Events API callback; with `bot_user_id`, the `authorizations` Slack sends along (who may see it)."""
    body: dict[str, Any] = {
        "token": "console", "team_id": team_id, "api_app_id": APP_ID, "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}", "event_time": int(time.time()),
        "event": {**event_body, "event_ts": f"{time.time():.6f}"},
    }
    if bot_user_id is not None:
        body["authorizations"] = [{"enterprise_id": None, "team_id": team_id, "user_id": bot_user_id,
                                   "is_bot": True, "is_enterprise_install": False}]
    return json.dumps(body), "application/json"
