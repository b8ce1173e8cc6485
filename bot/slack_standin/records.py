"""What the stand-in remembers about each call, and the hold handle tests use.

Kept apart from the server so tests and console mode can import these small types
without pulling in aiohttp routing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any


def mask_token(token: str | None) -> str | None:
    """Show only the token kind (``xoxb-***``) so reprs and logs never leak secrets."""
    if token is None:
        return None
    prefix, sep, _ = token.partition("-")
    return f"{prefix}-***" if sep and len(prefix) <= 5 else "***"


@dataclass
class RecordedCall:
    """One Web API call as it arrived and as it was answered (including rejections)."""

    method: str
    args: dict[str, Any]
    token: str | None = field(repr=False)
    status: int
    response: dict[str, Any]
    at: float
    team: str | None = None  # the workspace whose token made the call (None: no token)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok") is True

    @property
    def error(self) -> str | None:
        error = self.response.get("error")
        return error if isinstance(error, str) else None

    def __repr__(self) -> str:
        return (
            f"RecordedCall(method={self.method!r}, args={self.args!r}, token={mask_token(self.token)!r}, "
            f"status={self.status!r}, response={self.response!r}, at={self.at!r}, team={self.team!r})"
        )


class Hold:
    """Withholds one call until ``release()``.

    By default the call is applied first and only its HTTP answer is withheld: "Slack accepted the
    post, then the bot died before reading the answer". With ``before_apply`` nothing happens until
    release: "the request is on its way, Slack has not acted on it yet"; ``drop()`` then lets it go
    without applying it (Slack never acted on it; the client, if still waiting, gets a 503).
    Wait on ``reached``, then cancel the client, ``release()`` or ``drop()``.
    """

    def __init__(self, method: str, *, before_apply: bool = False) -> None:
        self.method = method
        self.before_apply = before_apply
        self.reached = asyncio.Event()
        self._released = asyncio.Event()
        self.dropped = False

    def release(self) -> None:
        self._released.set()

    def drop(self) -> None:
        if not self.before_apply:
            raise ValueError("only a hold before applying can drop its call; this one was applied already")
        self.dropped = True
        self._released.set()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    async def wait_released(self) -> None:
        await self._released.wait()

    def __repr__(self) -> str:
        return (f"Hold(method={self.method!r}, before_apply={self.before_apply}, reached={self.reached.is_set()}, "
                f"released={self.released}, dropped={self.dropped})")
