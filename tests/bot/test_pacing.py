"""Pacing arithmetic: a burst of three, then one call per second; Retry-After wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.outbox.pacing import after_call, after_rate_limit

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_three_at_once_then_one_per_second():
    pace = None
    ready = []
    for _ in range(5):
        pace = after_call(pace, T0)
        ready.append((pace.ready_at - T0).total_seconds())
    assert ready == [-1.0, 0.0, 1.0, 2.0, 3.0]


def test_an_idle_lane_earns_its_burst_back():
    pace = after_call(after_call(after_call(None, T0), T0), T0)
    later = after_call(pace, s(10))
    assert later.ready_at <= s(10)


def test_retry_after_holds_the_lane_and_spends_the_burst():
    limited = after_rate_limit(None, T0, 5)
    assert limited.ready_at == s(5)
    following = after_call(limited, s(5))
    assert following.ready_at == s(6)


def test_a_running_retry_after_is_not_shortened_by_a_send():
    limited = after_rate_limit(after_call(None, T0), T0, 30)
    assert after_call(limited, T0).ready_at >= s(30)
