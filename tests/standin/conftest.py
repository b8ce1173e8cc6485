"""Fixtures: a running stand-in and a real slack-sdk client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin import SlackStandIn


class FakeClock:
    """Settable clock so ts values and trigger expiry are deterministic."""

    def __init__(self, now: float = 1_764_190_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def standin(clock: FakeClock) -> AsyncIterator[SlackStandIn]:
    standin = SlackStandIn(clock=clock)
    standin.add_user("U0ALICE", "alice", real_name="Alice Liddell", tz="Europe/Berlin")
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
def client(standin: SlackStandIn) -> AsyncWebClient:
    # No retry handlers: 429s and connection errors must surface to the test.
    return AsyncWebClient(token="xoxb-test", base_url=standin.base_url, retry_handlers=[])
