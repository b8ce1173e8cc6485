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
            f"status={self.status!r}, response={self.response!r}, at={self.at!r})"
        )


class Hold:
    """Withholds one call's HTTP answer after the call has been applied.

    Simulates "Slack accepted the post, then the bot died before reading the answer":
    wait on ``reached``, then cancel the client or call ``release()``.
    """

    def __init__(self, method: str) -> None:
        self.method = method
        self.reached = asyncio.Event()
        self._released = asyncio.Event()

    def release(self) -> None:
        self._released.set()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    async def wait_released(self) -> None:
        await self._released.wait()

    def __repr__(self) -> str:
        return f"Hold(method={self.method!r}, reached={self.reached.is_set()}, released={self.released})"
