"""What every method handler gets, and small argument readers shared by them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..errors import SlackError
from ..state import Workspace


@dataclass(frozen=True)
class Context:
    """Per-request view of the stand-in: its state and the URL the client used."""

    ws: Workspace
    base_url: str  # e.g. "http://127.0.0.1:43121/api/"
    token: str | None = None
    basic: tuple[str, str] | None = None

    @property
    def socket_url(self) -> str:
        root = self.base_url.removesuffix("/").removesuffix("/api")
        return root.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/socket-mode"


Handler = Callable[[Context, dict[str, Any]], dict[str, Any]]

BOT_TOKENS = ("xoxb-", "xoxp-", "xoxe.xoxb-")  # the last: rotating bot tokens
APP_TOKENS = ("xapp-",)
NO_TOKEN = ()  # methods called with the app's client id and secret instead (oauth.v2.access)


@dataclass(frozen=True)
class MethodSpec:
    handler: Handler
    token_prefixes: tuple[str, ...] = BOT_TOKENS


def truthy(value: Any) -> bool:
    """Slack booleans arrive as true/"true"/"1" (slack-sdk sends params as "1"/"0")."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def required_str(args: dict[str, Any], key: str, error: str) -> str:
    value = args.get(key)
    if not isinstance(value, str) or not value:
        raise SlackError(error)
    return value


def optional_int(args: dict[str, Any], key: str, default: int) -> int:
    value = args.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments", [f"[ERROR] must be an integer [json-pointer:/{key}]"]) from None
