"""The shape of what Slack sends, checked before Bolt or a listener sees it (HTTP and Socket Mode alike).

Bolt's context extraction and our listeners index into request bodies without checking types, so a
body Slack would never send (a string `team`, a null `payload`, an empty `channel_id`, a 41-character
id that fits SQLite but not a VARCHAR(32) on PostgreSQL) used to end as a 500. Here each kind of
request has a strict schema for the fields Bolt and our listeners read; anything else is refused with
a `Refused` naming the field, and nothing downstream runs. Unknown extra fields are fine.
"""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from bot.text import clean_text

# Slack ids (T…, C…, U…, W…, G…, D…, B…): uppercase letters and digits. 32 is the width of the
# columns they are stored in, so what passes here fits on SQLite and PostgreSQL alike.
SLACK_ID = re.compile(r"[A-Z][A-Z0-9]{1,31}")
# Conversations: public (C), private (G, older ones) and direct-message (D) channels.
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,31}")
EVENT_ID = re.compile(r"Ev[A-Za-z0-9]{1,62}")
COMMAND = re.compile(r"/[^\s/]{1,31}")
MAX_DEPTH = 48
MAX_INT_DIGITS = 32
MAX_FORM_FIELDS = 100
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Refused(Exception):
    """A request body that is not what Slack sends: answered 400 (HTTP) or acked empty (Socket Mode)."""

    def __init__(self, error: str, detail: str):
        super().__init__(f"{error}: {detail}")
        self.error = error
        self.detail = detail


# -- field types -------------------------------------------------------------------------------------

def _slack_id(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("slack_id", "must be a Slack id (a string)")
    if not SLACK_ID.fullmatch(value):
        raise PydanticCustomError("slack_id", "is not a Slack id (2-32 uppercase letters and digits)")
    return value


def _channel_id(value: Any) -> str:
    value = _slack_id(value)
    if not CHANNEL_ID.fullmatch(value):
        raise PydanticCustomError("channel_id", "is not a channel id (C…, G… or D…)")
    return value


def _bounded(limit: int):
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("string_type", "must be a string")
        if len(value) > limit:
            raise PydanticCustomError("too_long", "is longer than {limit} characters", {"limit": limit})
        return value
    return PlainValidator(check)


def _matching(pattern: re.Pattern, what: str):
    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise PydanticCustomError("pattern", "is not {what}", {"what": what})
        return value
    return PlainValidator(check)


def _reference(value: Any) -> Any:
    """Bolt reads `team`, `user`, `channel` and `enterprise` as a string or as an object with an `id`."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        if value.get("id") is not None and not isinstance(value["id"], str):
            raise PydanticCustomError("reference", "has an id that is not a string")
        return value
    raise PydanticCustomError("reference", "must be a string, an object or null")


SlackId = Annotated[str, PlainValidator(_slack_id)]
ChannelId = Annotated[str, PlainValidator(_channel_id)]
Reference = Annotated[Any, PlainValidator(_reference)]
Short = Annotated[str, _bounded(255)]
Tiny = Annotated[str, _bounded(64)]


class _Schema(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


# -- what Bolt reads in every body -------------------------------------------------------------------

class _Shape(_Schema):
    """The fields Bolt's context extraction and built-in middleware read, at every level they look."""

    enterprise: Reference = None
    team: Reference = None
    user: Reference = None
    channel: Reference = None
    item: _Shape | None = None
    message: _Shape | None = None
    previous_message: _Shape | None = None
    assistant_thread: _Shape | None = None
    authorizations: list[_Authorization] | None = None
    function_data: dict | None = None
    response_url: str | None = None
    response_urls: list[_ResponseUrl] | None = None
    view: _ViewShape | None = None


class _Authorization(_Shape):
    enterprise_id: SlackId | None = None
    team_id: SlackId | None = None
    user_id: SlackId | None = None


class _ResponseUrl(_Schema):
    response_url: str | None = None


class _ViewShape(_Schema):
    # Bolt takes the workspace from these when present.
    app_installed_team_id: SlackId | None = None
    team_id: SlackId | None = None


class _Event(_Shape):
    type: Tiny


class _Body(_Shape):
    # Bolt's self-event check calls `.get` on `event` whatever the kind of request.
    event: _Event | None = None


# -- slash commands (HTTP form or Socket Mode `slash_commands`) --------------------------------------

class SlashCommand(_Body):
    command: Annotated[str, _matching(COMMAND, "a slash command like /crisp")]
    team_id: SlackId
    channel_id: ChannelId
    user_id: SlackId
    text: str = ""
    trigger_id: Short | None = None
    enterprise_id: Tiny | None = None


class SslCheck(_Body):
    ssl_check: Literal["1"]
    token: Short | None = None


# -- interactivity (HTTP `payload=` or Socket Mode `interactive`) ------------------------------------

class _Team(_Schema):
    id: SlackId


class _User(_Schema):
    id: SlackId
    team_id: SlackId | None = None


class _Channel(_Schema):
    id: SlackId


class _Action(_Schema):
    action_id: Short
    block_id: Short | None = None
    type: Tiny | None = None
    value: str | None = None


class _InputState(_Schema):
    type: Tiny | None = None
    value: str | None = None


class _ViewState(_Schema):
    values: dict[str, dict[str, _InputState]] = {}


class _View(_ViewShape):
    id: Tiny | None = None
    type: Tiny | None = None
    callback_id: Short = ""
    private_metadata: Annotated[str, _bounded(3000)] = ""
    state: _ViewState | None = None

    @field_validator("private_metadata")
    @classmethod
    def _channel_in_metadata(cls, value: str) -> str:
        """Our modals carry their channel here; it ends up in a VARCHAR(32) like any channel id."""
        try:
            data = json.loads(value) if value.startswith("{") else None
        except ValueError:  # not ours; the listener treats it as empty
            return value
        except RecursionError:  # would fail the listener's own json.loads the same way
            raise PydanticCustomError("nested", "is nested too deeply") from None
        if isinstance(data, dict) and "channel" in data:
            channel = data["channel"]
            if not (isinstance(channel, str) and CHANNEL_ID.fullmatch(channel)):
                raise PydanticCustomError("channel_id", "has a channel that is not a channel id")
        return value


class _SubmittedView(_View):
    type: Tiny  # Bolt compares view.type on every submission


class _Interaction(_Body):
    team: _Team | None = None
    user: _User
    channel: _Channel | None = None
    view: _View | None = None
    trigger_id: Short | None = None
    container: dict | None = None

    def workspace(self) -> str | None:
        return (self.team.id if self.team else None) or self.user.team_id or (self.view and self.view.team_id)


class BlockActions(_Interaction):
    type: Literal["block_actions"]
    actions: Annotated[list[_Action], Field(min_length=1)]


class ViewSubmission(_Interaction):
    type: Literal["view_submission"]
    view: _SubmittedView


class ViewClosed(_Interaction):
    type: Literal["view_closed"]
    view: _SubmittedView


class Shortcut(_Interaction):
    type: Literal["shortcut", "message_action"]
    callback_id: Short
    trigger_id: Short


class BlockSuggestion(_Interaction):
    """An external select asking for its options."""
    type: Literal["block_suggestion"]
    action_id: Short
    block_id: Short | None = None
    value: str = ""


INTERACTIONS: dict[str, type[_Interaction]] = {
    "block_actions": BlockActions, "view_submission": ViewSubmission, "view_closed": ViewClosed,
    "shortcut": Shortcut, "message_action": Shortcut, "block_suggestion": BlockSuggestion,
}


# -- Events API (HTTP JSON or Socket Mode `events_api`) ----------------------------------------------

class _AppHomeOpened(_Event):
    type: Literal["app_home_opened"]
    user: SlackId
    channel: SlackId | None = None
    tab: Tiny | None = None


class _MemberJoinedChannel(_Event):
    type: Literal["member_joined_channel"]
    user: SlackId
    channel: ChannelId
    team: SlackId | None = None
    inviter: SlackId | None = None


class _AppUninstalled(_Event):
    type: Literal["app_uninstalled"]


class _RevokedTokens(_Shape):
    oauth: list[SlackId] = []
    bot: list[SlackId] = []


class _TokensRevoked(_Event):
    type: Literal["tokens_revoked"]
    tokens: _RevokedTokens


class EventCallback(_Body):
    type: Literal["event_callback"]
    team_id: SlackId
    api_app_id: Tiny | None = None
    event_id: Annotated[str, _matching(EVENT_ID, "a Slack event id like Ev0123ABCD")] | None = None
    event_time: int | None = None
    event: _Event


class AppHomeOpened(EventCallback):
    event: _AppHomeOpened


class MemberJoinedChannel(EventCallback):
    event: _MemberJoinedChannel


class AppUninstalled(EventCallback):
    event: _AppUninstalled


class TokensRevoked(EventCallback):
    event: _TokensRevoked


# The events our listeners read fields of; any other event type only has to satisfy Bolt.
EVENTS: dict[str, type[EventCallback]] = {
    "app_home_opened": AppHomeOpened, "member_joined_channel": MemberJoinedChannel,
    "app_uninstalled": AppUninstalled, "tokens_revoked": TokensRevoked,
}


class UrlVerification(_Body):
    type: Literal["url_verification"]
    challenge: Short
    token: Short | None = None


class AppRateLimited(_Body):
    type: Literal["app_rate_limited"]
    team_id: SlackId | None = None
    minute_rate_limited: int | None = None


# -- entry points ------------------------------------------------------------------------------------

def from_http(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """The body of a verified HTTP request, as Bolt should see it, or `Refused`."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise Refused("invalid encoding", "the body starts with a byte order mark")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused("invalid encoding", f"the body is not UTF-8 (at byte {exc.start})") from None
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type == JSON:
        return _check_json_body(_loads(text, "body"))
    if media_type == FORM:
        form = _parse_form(text)
        if "payload" in form:
            return check_interaction(_loads(form["payload"], "payload"))
        if "command" in form:
            return check_command(form)
        if "ssl_check" in form:
            _validated(SslCheck, form)
            return form
        raise Refused("invalid body", "a form from Slack has a `command` or a `payload` field")
    raise Refused("unsupported content type", f"expected {FORM} or {JSON}, got {media_type or 'none'}")


def from_socket_mode(envelope_type: str, payload: Any) -> dict[str, Any]:
    """A Socket Mode envelope's payload (already JSON-decoded by slack-sdk) as Bolt should see it."""
    _check_tree(payload, "payload")
    if envelope_type == "slash_commands":
        if not isinstance(payload, dict):
            raise Refused("invalid field", "payload: must be an object")
        return check_command(payload)
    if envelope_type == "interactive":
        return check_interaction(payload)
    if envelope_type == "events_api":
        return _check_json_body(payload)
    raise Refused("invalid envelope", "type: not slash_commands, interactive or events_api")


def check_command(form: dict[str, Any]) -> dict[str, Any]:
    _validated(SlashCommand, form)
    return form


def check_interaction(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise Refused("invalid field", "payload: must be a JSON object")
    kind = payload.get("type")
    model = INTERACTIONS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise Refused("invalid field", f"type: not one of {', '.join(sorted(INTERACTIONS))}")
    checked = _validated(model, payload)
    if not checked.workspace():
        raise Refused("invalid field", "team.id: missing (and no user.team_id)")
    _clean_input_values(payload)
    return payload


def _check_json_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Refused("invalid field", "body: must be a JSON object")
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event")
        event_type = event.get("type") if isinstance(event, dict) else None
        _validated(EVENTS.get(event_type, EventCallback) if isinstance(event_type, str) else EventCallback, body)
        return body
    if kind == "url_verification":
        _validated(UrlVerification, body)
        return body
    if kind == "app_rate_limited":
        _validated(AppRateLimited, body)
        return body
    raise Refused("invalid field", "type: not event_callback, url_verification or app_rate_limited")


def _clean_input_values(payload: dict[str, Any]) -> None:
    """Modal fields are text people typed: normalised here, once, like slash text in handlers/commands."""
    view = payload.get("view")
    values = ((view or {}).get("state") or {}).get("values") or {}
    for block in values.values():
        for element in block.values():
            if isinstance(element.get("value"), str):
                element["value"] = clean_text(element["value"])


def _validated(model: type[_Schema], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        raise Refused("invalid field", f"{_path(first['loc'])}: {_message(first)}") from None


_MESSAGES = {
    "missing": "missing",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "too_short": "must not be empty",
}


def _message(error: dict) -> str:
    return _MESSAGES.get(error["type"], error["msg"])


def _path(loc: tuple) -> str:
    path = ".".join(str(part) for part in loc) or "body"
    return path if len(path) <= 200 else path[:200] + "…"


# -- JSON and forms, strictly ------------------------------------------------------------------------

def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer has more than {MAX_INT_DIGITS} digits")
    return int(digits)


def _parse_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"the number {literal[:20]} is out of range")
    return value


def _loads(text: str, what: str) -> Any:
    if text.startswith("\ufeff"):
        raise Refused("invalid JSON", f"{what} starts with a byte order mark")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int, parse_float=_parse_float)
    except RecursionError:
        raise Refused("invalid JSON", f"{what} is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise Refused("invalid JSON", f"{what}: {str(exc)[:200]}") from None
    _check_tree(value, what)
    return value


def _check_tree(value: Any, what: str) -> None:
    """Depth, numbers and strings anywhere in decoded JSON (Socket Mode payloads come decoded by slack-sdk,
    which lets NaN and long integers through)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Refused("invalid JSON", f"{what} is nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            for key, item in node.items():
                if not isinstance(key, str) or _LONE_SURROGATE.search(key):
                    raise Refused("invalid JSON", f"{what} has a key that is not valid Unicode")
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            if _LONE_SURROGATE.search(node):
                raise Refused("invalid JSON", f"{what} has text that is not valid Unicode (a lone surrogate)")
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, int):
            if abs(node) >= 10**MAX_INT_DIGITS:
                raise Refused("invalid JSON", f"{what} has an integer with more than {MAX_INT_DIGITS} digits")
        elif isinstance(node, float):
            if not math.isfinite(node):
                raise Refused("invalid JSON", f"{what} has a number that is not finite")
        else:
            raise Refused("invalid JSON", f"{what} has a value that is not JSON")


def _parse_form(text: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                          max_num_fields=MAX_FORM_FIELDS)
    except UnicodeDecodeError:
        raise Refused("invalid form", "a %-escaped value is not UTF-8") from None
    except ValueError as exc:  # too many fields
        raise Refused("invalid form", str(exc)[:200]) from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise Refused("invalid form", f"the field {key[:40]!r} appears twice")
        form[key] = value
    return form


_Shape.model_rebuild()
_Authorization.model_rebuild()
