"""Queued failures and holds, so tests can make Slack misbehave on cue."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from .records import Hold

ANY_METHOD = "*"

# What a proxy in front of Slack answers when the backend is gone: not JSON.
_PROXY_BODIES = {
    502: "<html><body><h1>502 Bad Gateway</h1></body></html>",
    503: "<html><body><h1>503 Service Unavailable</h1></body></html>",
}


@dataclass(frozen=True)
class FaultAnswer:
    """A canned HTTP answer; ``recorded`` is what RecordedCall.response shows."""

    status: int
    body: str
    content_type: str
    headers: dict[str, str]
    recorded: dict[str, Any]


@dataclass(frozen=True)
class Fault:
    status: int
    retry_after: int | None
    error: str | None

    def answer(self) -> FaultAnswer:
        headers: dict[str, str] = {}
        if self.status == 429:
            headers["Retry-After"] = str(self.retry_after if self.retry_after is not None else 1)
            payload: dict[str, Any] | None = {"ok": False, "error": self.error or "ratelimited"}
        elif self.status in _PROXY_BODIES and self.error is None:
            payload = None
        elif self.status >= 500:
            payload = {"ok": False, "error": self.error or "internal_error"}
        else:
            payload = {"ok": False, "error": self.error or "invalid_request"}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        if payload is None:
            return FaultAnswer(self.status, _PROXY_BODIES[self.status], "text/plain", headers, {})
        return FaultAnswer(self.status, json.dumps(payload), "application/json", headers, payload)


def make_fault(status: int, retry_after: int | None, error: str | None) -> Fault:
    """Validate fail() arguments early so a typo in a test fails at the call site."""
    if status == 200 and not error:
        raise ValueError("a status-200 fault needs error=..., e.g. 'channel_not_found'")
    if not 200 <= status <= 599:
        raise ValueError(f"status must be an HTTP status, got {status}")
    if retry_after is not None and retry_after < 0:
        raise ValueError("retry_after must be >= 0")
    return Fault(status, retry_after, error)


class FaultBook:
    """Per-method FIFO queues of faults and holds; a method's own queue goes before ``*``."""

    def __init__(self) -> None:
        self._faults: dict[str, deque[Fault]] = {}
        self._holds: dict[str, deque[Hold]] = {}
        self._taken: list[Hold] = []

    def add_fault(self, method: str, fault: Fault, times: int) -> None:
        if times < 1:
            raise ValueError("times must be >= 1")
        self._faults.setdefault(method, deque()).extend([fault] * times)

    def add_hold(self, method: str, *, before_apply: bool = False) -> Hold:
        hold = Hold(method, before_apply=before_apply)
        self._holds.setdefault(method, deque()).append(hold)
        return hold

    def take_fault(self, method: str) -> Fault | None:
        return _pop(self._faults, method)

    def take_hold(self, method: str) -> Hold | None:
        hold = _pop(self._holds, method)
        if hold is not None:
            self._taken = [h for h in self._taken if not h.released]
            self._taken.append(hold)
        return hold

    def clear_faults(self) -> None:
        """Forget every queued fault: Slack is healthy again."""
        self._faults.clear()

    def release_all(self) -> None:
        """Let every queued and in-flight hold go (used on shutdown)."""
        for queue in self._holds.values():
            for hold in queue:
                hold.release()
        for hold in self._taken:
            hold.release()
        self._holds.clear()
        self._taken.clear()


def _pop(queues: dict[str, deque[Any]], method: str) -> Any:
    for key in (method, ANY_METHOD):
        queue = queues.get(key)
        if queue:
            return queue.popleft()
    return None
