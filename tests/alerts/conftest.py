"""The app with alert endpoints configured, a client that posts alert bodies, and a helper that runs the
relay and then drains the outbox into the stand-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.alerts.relay import relay_all
from bot.runtime import Runtime
from tests.conftest import make_settings
from tests.slack_client import Answer

ALERT_TOKEN = "alert-token-0123456789"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "alerts"
if not SAMPLES.is_dir():  # a worktree next to main, or main itself
    SAMPLES = Path("/work/shared/samples/alerts")


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text())


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
async def runtime(database_url, standin, clock, settings_overrides) -> AsyncIterator[Runtime]:
    values = {"alert_token": ALERT_TOKEN, **settings_overrides}
    rt = Runtime(make_settings(database_url, standin.base_url, **values), clock=clock)
    await rt.start(http=True, worker=False)
    yield rt
    await rt.stop()


class AlertClient:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = aiohttp.ClientSession()

    async def post(self, source: str, body: Any, *, token: str | None = ALERT_TOKEN, raw: bytes | None = None,
                   headers: dict[str, str] | None = None, query: str = "") -> Answer:
        data = raw if raw is not None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        async with self.http.post(f"{self.base_url}/alerts/{source}{query}", data=data, headers=sent) as response:
            return Answer(response.status, await response.text(), dict(response.headers))

    async def close(self) -> None:
        await self.http.close()


@pytest.fixture
async def alerts(runtime) -> AsyncIterator[AlertClient]:
    client = AlertClient(f"http://127.0.0.1:{runtime.port}")
    yield client
    await client.close()


@pytest.fixture
def relay(runtime, drain):
    """Render what changed into the outbox, then send it all."""
    async def run() -> None:
        await relay_all(runtime.services)
        await drain()
    return run
