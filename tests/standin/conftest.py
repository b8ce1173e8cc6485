"""Fixtures: a running stand-in and a real slack-sdk client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import FakeClock
from bot.slack_standin import SlackStandIn

# ts values in these tests are read against this moment.
START = datetime.fromtimestamp(1_764_190_000, UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def standin(clock: FakeClock) -> AsyncIterator[SlackStandIn]:
    standin = SlackStandIn(clock=lambda: clock.now().timestamp())
    standin.add_user("U0ALICE", "alice", real_name="Alice Liddell", tz="Europe/Berlin")
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
def client(standin: SlackStandIn) -> AsyncWebClient:
    # No retry handlers: 429s and connection errors must surface to the test.
    return AsyncWebClient(token="xoxb-test", base_url=standin.base_url, retry_handlers=[])
