"""A background loop whose passes keep failing waits longer each time and logs one line per attempt."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from bot.retry_loop import MAX_DELAY_SECONDS, FailureBackoff
from storage.db import DatabaseBusy


def test_an_unreachable_database_is_one_warning_line_per_pass_with_growing_waits(caplog):
    backoff = FailureBackoff(logging.getLogger("crisp.test"), "outbox worker pass")
    down = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused\nmore detail"))
    with caplog.at_level(logging.INFO, "crisp.test"):
        delays = [backoff.failed(down) for _ in range(10)]
        backoff.succeeded()
    assert delays[:4] == [0.5, 1.0, 2.0, 4.0] and delays[-1] == MAX_DELAY_SECONDS
    assert [r.levelname for r in caplog.records] == ["WARNING"] * 10 + ["INFO"]
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in caplog.records)
    assert caplog.records[-1].getMessage() == "outbox worker pass works again after 10 failed passes"


def test_a_bug_carries_its_traceback_once_then_one_line_per_pass(caplog):
    backoff = FailureBackoff(logging.getLogger("crisp.test"), "alert relay pass")
    with caplog.at_level(logging.INFO, "crisp.test"):
        for _ in range(3):
            try:
                raise KeyError("boom")
            except KeyError as exc:
                backoff.failed(exc)
        backoff.failed(DatabaseBusy("pool exhausted"))
    assert [(r.levelname, r.exc_info is not None) for r in caplog.records] == [
        ("ERROR", True), ("ERROR", False), ("ERROR", False), ("WARNING", False)]
