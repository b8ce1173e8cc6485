"""Authenticate a parsed call and run its handler, producing Slack's JSON answer.

Kept free of aiohttp so the rules (unknown method, token kinds, error shape) can be
read in one place; it never raises.
"""

from __future__ import annotations

import logging
from typing import Any

from .errors import SlackError
from .methods import METHODS, Context
from .request import ParsedRequest
from .state import Workspace

logger = logging.getLogger(__name__)

_KNOWN_TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-", "xoxe.xoxb-")


def answer(ws: Workspace, method: str, parsed: ParsedRequest, base_url: str) -> dict[str, Any]:
    spec = METHODS.get(method)
    if spec is None:
        return SlackError("unknown_method").body()
    if parsed.error:
        return SlackError(parsed.error).body()
    token = parsed.token
    if spec.token_prefixes:
        if not token:
            return SlackError("not_authed").body()
        if not token.startswith(spec.token_prefixes):
            # A real token of the wrong kind is "not allowed"; anything else is simply invalid.
            error = "not_allowed_token_type" if token.startswith(_KNOWN_TOKEN_PREFIXES) else "invalid_auth"
            return SlackError(error).body()
        refused = ws.installs.refusal(token)  # revoked or expired
        if refused is not None:
            return SlackError(refused).body()
    try:
        return {"ok": True, **spec.handler(Context(ws, base_url, token, parsed.basic), parsed.args)}
    except SlackError as exc:
        return exc.body()
    except Exception:  # a stand-in bug must not look like a Slack outage
        logger.exception("stand-in handler for %s failed", method)
        return SlackError("fatal_error").body()
