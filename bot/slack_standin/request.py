"""Turn an incoming HTTP request into (args, token) the way Slack reads it.

slack-sdk sends some methods as JSON and others as query/form parameters (even on
POST), so query, form and JSON fields are merged. Form fields that carry JSON
(``blocks``, ``view``…) are decoded so handlers and tests see Python objects.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

# Form fields Slack documents as "JSON-encoded string".
JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "users", "files"})


@dataclass
class ParsedRequest:
    args: dict[str, Any] = field(default_factory=dict)
    token: str | None = None
    basic: tuple[str, str] | None = None  # (client_id, client_secret) sent as HTTP Basic auth (oauth.v2.access)
    error: str | None = None  # "invalid_json" / "invalid_form_data" when the body is unreadable


async def parse_request(request: web.Request) -> ParsedRequest:
    """Never raises: a body Slack could not read becomes ``error``."""
    parsed = ParsedRequest(args=dict(request.query))
    try:
        body = await _read_body(request)
    except _BadBody as bad:
        parsed.error = bad.error
        body = {}
    parsed.args.update(body)
    for key in JSON_FIELDS & parsed.args.keys():
        parsed.args[key] = _maybe_json(parsed.args[key])
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer " and auth[7:].strip():
        parsed.token = auth[7:].strip()
    elif auth[:6].lower() == "basic ":
        parsed.basic = _basic_credentials(auth[6:].strip())
    body_token = parsed.args.pop("token", None)
    if parsed.token is None and isinstance(body_token, str) and body_token:
        parsed.token = body_token
    return parsed


def _basic_credentials(encoded: str) -> tuple[str, str] | None:
    try:
        user, sep, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


class _BadBody(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


async def _read_body(request: web.Request) -> dict[str, Any]:
    if request.method not in ("POST", "PUT", "PATCH") or not request.can_read_body:
        return {}
    content_type = request.content_type
    if content_type == "multipart/form-data":
        try:
            form = await request.post()
        except Exception as exc:  # aiohttp raises assorted errors on broken multipart
            raise _BadBody("invalid_form_data") from exc
        return {k: v for k, v in form.items() if isinstance(v, str)}
    raw = await request.read()
    if not raw.strip():
        return {}
    if content_type == "application/json":
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _BadBody("invalid_json") from exc
        if not isinstance(data, dict):
            raise _BadBody("invalid_json")
        return data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _BadBody("invalid_form_data") from exc
    if any(part and "=" not in part for part in text.split("&")):
        raise _BadBody("invalid_form_data")
    return dict(parse_qsl(text, keep_blank_values=True))


def _maybe_json(value: Any) -> Any:
    """Decode a JSON-looking string; leave anything else for the handler to judge."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
