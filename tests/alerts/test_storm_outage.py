"""Slack down in the middle of a storm: a minute (fake time) of 500s, then of 429s, while alerts keep
arriving. Ingest never needs Slack, so every alert is stored; once Slack is back, every group's final
state is shown and nothing is posted twice."""

from __future__ import annotations

import pytest

from tests.alerts import storm

CHANNELS = 5


@pytest.fixture
def settings_overrides():
    return {}


async def test_slack_down_for_a_minute_mid_storm_loses_and_doubles_nothing(runtime, slack, alerts, standin, clock,
                                                                        drain):
    await storm.make_channels(slack, CHANNELS)
    await drain()
    standin.enforce_rate_limits()
    sends = storm.schedule(channels=CHANNELS, groups=300, alerts_per_group=6, seconds=90)
    phases = {"down": False, "limited": False, "back": False}

    async def outage(elapsed: float) -> None:
        if elapsed >= 20 and not phases["down"]:
            phases["down"] = True
            standin.fail("*", status=500, times=1_000_000)
        if elapsed >= 50 and not phases["limited"]:
            phases["limited"] = True
            standin.recover()
            standin.fail("*", status=429, retry_after=7, times=1_000_000)
        if elapsed >= 80 and not phases["back"]:
            phases["back"] = True
            standin.recover()

    await storm.run(runtime, alerts, clock, sends, during=outage)
    assert phases["back"]
    failed = [c for c in standin.calls if c.status >= 500]
    limited = [c for c in standin.calls if c.status == 429]
    assert failed and limited  # Slack really was down, then limiting, while the storm went on
    await storm.settle(runtime, clock)

    assert await storm.alerts_stored(runtime) == sum(1 for _ in range(300)) * 6
    assert await storm.outbox_left(runtime) == 0
    # Outside the outage's injected answers, nothing Crisp sent was over Slack's limits.
    organic = [c for c in standin.calls if c.status == 429 and c not in limited]
    assert organic == []
    where = await storm.assert_every_group_shown_once(runtime, standin)
    assert sum(where.values()) == 300
    storm.assert_nothing_posted_twice(standin, [storm.channel_of(n) for n in range(CHANNELS)])
