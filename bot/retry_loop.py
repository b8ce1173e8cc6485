"""How a background loop (outbox worker, alert relay) behaves when its passes keep failing: it waits
longer each time, up to a limit, and says so in one line per attempt; only the first failure of a run
of them carries a traceback, and only when it is not the database being unreachable."""

from __future__ import annotations

import logging

from storage.db import DatabaseBusy, is_unavailable

FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 30.0


class FailureBackoff:
    def __init__(self, log: logging.Logger, what: str):
        self.log = log
        self.what = what
        self.failures = 0

    def failed(self, exc: Exception) -> float:
        """Log the failure; returns how long to wait before the next pass."""
        self.failures += 1
        delay = min(FIRST_DELAY_SECONDS * 2 ** (self.failures - 1), MAX_DELAY_SECONDS)
        if isinstance(exc, DatabaseBusy):
            self.log.warning("%s found the database busy (%s); next pass in %.1f s", self.what, exc, delay)
        elif is_unavailable(exc):
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            self.log.warning("%s cannot reach the database (%s); next pass in %.1f s", self.what, reason, delay)
        elif self.failures == 1:
            self.log.exception("%s failed; next pass in %.1f s", self.what, delay)
        else:
            self.log.error("%s failed again (%s: %s); next pass in %.1f s", self.what, type(exc).__name__,
                           str(exc).splitlines()[0][:200] if str(exc) else "", delay)
        return delay

    def succeeded(self) -> None:
        if self.failures:
            self.log.info("%s works again after %d failed passes", self.what, self.failures)
        self.failures = 0
