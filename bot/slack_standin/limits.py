"""Slack's rate limits, when a test asks for them: `chat.postMessage` about one message a second per
channel with short bursts, and per-workspace tiers for other methods (chat.update: Tier 3, ~50 a minute).
Over the limit the stand-in answers 429 with Retry-After, as Slack does. Generic cell rate algorithm,
on the stand-in's clock."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

SLACK_TIERS = {"chat.update": (1.2, 3)}  # method: (seconds between calls, burst)


@dataclass
class Gcra:
    interval: float
    burst: int
    tats: dict[str, int] = field(default_factory=dict)  # in microseconds: sums of floats drift

    def admit(self, key: str, now: float) -> float | None:
        """None when a call under `key` may go now (and is counted), else seconds until one may."""
        now_us = round(now * 1_000_000)
        interval = round(self.interval * 1_000_000)
        tat = max(self.tats.get(key, now_us), now_us)
        tolerance = interval * (self.burst - 1)
        if tat - now_us > tolerance:
            return (tat - tolerance - now_us) / 1_000_000
        self.tats[key] = tat + interval
        return None


@dataclass
class RateLimits:
    post_interval: float = 1.0
    post_burst: int = 3
    tiers: dict[str, tuple[float, int]] = field(default_factory=lambda: dict(SLACK_TIERS))

    def __post_init__(self) -> None:
        self._posts = Gcra(self.post_interval, self.post_burst)
        self._methods = {method: Gcra(interval, burst) for method, (interval, burst) in self.tiers.items()}

    def check(self, method: str, args: dict, now: float) -> int | None:
        """None when the call is within the limits, else the Retry-After (whole seconds) of a 429."""
        waits = []
        if method == "chat.postMessage" and args.get("channel"):
            waits.append(self._posts.admit(str(args["channel"]), now))
        if method in self._methods:
            waits.append(self._methods[method].admit("workspace", now))
        waits = [w for w in waits if w is not None]
        return max(1, math.ceil(max(waits))) if waits else None
