"""Silence from Slack makes a real Alertmanager silence (v2 API) in a background sweep, and Unsilence or a
resolve expires it. Error paths against a fake Alertmanager (500, 400, timeout); the happy path against a
live one (Debian's prometheus-alertmanager), skipped with the reason where it cannot run."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.alerts import silences
from bot.alerts.silences import silence_sweep
from bot.views.ids import ActionId
from storage.tables import AlertGroup
from tests.alerts.conftest import sample
from tests.alerts.test_buttons import firing_group, press, value_of

ALERTMANAGER = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"


class FakeAlertmanager:
    """Answers the v2 silence calls with whatever the test queued (default: success)."""

    def __init__(self):
        self.calls: list[tuple[str, str, dict | None]] = []
        self.answers: list[tuple[int, object]] = []
        self.hang = asyncio.Event()
        self.hanging = False
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.method == "POST" else None
        self.calls.append((request.method, request.path, body))
        if self.hanging:
            await self.hang.wait()  # never set: the client's timeout ends the call
        status, answer = self.answers.pop(0) if self.answers else (200, {"silenceID": f"sil-{len(self.calls)}"})
        return web.json_response(answer, status=status)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def stop(self) -> None:
        self.hang.set()
        await self.runner.cleanup()


@pytest.fixture
async def fake_am():
    server = FakeAlertmanager()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def settings_overrides(request):
    if "fake_am" in request.fixturenames:
        return {"alertmanager_url": request.getfixturevalue("fake_am").url}
    if "live_am" in request.fixturenames:
        return {"alertmanager_url": request.getfixturevalue("live_am")}
    return {}


async def group_row(runtime) -> AlertGroup:
    async with runtime.db.read() as session:
        return (await session.execute(select(AlertGroup))).scalars().one()


def option(post, choice: str) -> str:
    overflow = json.loads(value_of(post, ActionId.ALERT_SILENCE))
    return next(o["value"] for o in overflow["options"] if json.loads(o["value"])["for"] == choice)


def quick_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=0.3)


async def sweep(runtime) -> str:
    async with quick_client() as client:
        return await silence_sweep(runtime.services, client=client)


async def silence(slack, post, choice: str = "1h") -> None:
    await press(slack, ActionId.ALERT_SILENCE, option(post, choice), option=True)


# -- which Alertmanager ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("configured", "external", "expected"), [
    ("http://am:9093/", "http://other:9093", "http://am:9093"),
    (None, "http://alertmanager.example:9093", "http://alertmanager.example:9093"),
    (None, "http://localhost:9093", None),
    (None, "http://127.0.0.1:9093", None),
    (None, "http://[::1]:9093", None),
    (None, "ftp://am:9093", None),
    (None, None, None),
])
def test_which_alertmanager(configured, external, expected):
    class Settings:
        alertmanager_url = configured
    group = AlertGroup(source="alertmanager", group_key="k", title="t", external_url=external)
    assert silences.alertmanager_for(Settings(), group) == expected
    group.source = "grafana"
    assert silences.alertmanager_for(Settings(), group) is None


def test_states_round_trip():
    for state in (silences.State("want", attempts=2, not_before=17), silences.State("am", silence="abc-1"),
                  silences.State("unwant", silence="abc-1", attempts=1, not_before=9)):
        assert silences.parse(state.encode()) == state
    assert silences.parse(None).kind == ""


# -- against a fake Alertmanager ---------------------------------------------------------------------------------

async def test_silence_is_made_in_the_background_with_the_groups_labels(
        runtime, slack, alerts, standin, relay, fake_am):
    post = await firing_group(slack, alerts, standin, relay)
    await silence(slack, post, "1h")
    assert fake_am.calls == []  # never on the ack path
    await relay()
    [edit] = standin.calls_to("chat.update")
    assert "Alertmanager silence pending" in str(edit.args["attachments"])
    standin.calls.clear()

    assert await sweep(runtime) == "jobs=1 ok=1 failed=0"
    [(method, path, body)] = fake_am.calls
    assert (method, path) == ("POST", "/api/v2/silences")
    common = sample("alertmanager_firing")["commonLabels"]
    assert body["matchers"] == [{"name": k, "value": v, "isRegex": False, "isEqual": True}
                                for k, v in sorted(common.items())]
    assert body["createdBy"] == "slack:U0ADMIN"
    assert "Crisp" in body["comment"] and "Fraud Scorer" in body["comment"]
    assert (await group_row(runtime)).silence_id == "am:sil-1"
    await relay()
    [edit] = standin.calls_to("chat.update")
    assert "Alertmanager silence `sil-1` created" in str(edit.args["attachments"])
    assert await sweep(runtime) == "jobs=0"

    await press(slack, ActionId.ALERT_UNSILENCE, value_of(edit, ActionId.ALERT_UNSILENCE))
    assert (await group_row(runtime)).silence_id.startswith("unwant:sil-1:")
    assert await sweep(runtime) == "jobs=1 ok=1 failed=0"
    assert fake_am.calls[-1][:2] == ("DELETE", "/api/v2/silence/sil-1")
    assert (await group_row(runtime)).silence_id is None


async def test_server_errors_and_timeouts_are_retried_with_backoff(
        runtime, slack, alerts, standin, relay, fake_am, clock):
    post = await firing_group(slack, alerts, standin, relay)
    await silence(slack, post, "24h")
    fake_am.answers = [(500, "boom")]
    assert await sweep(runtime) == "jobs=1 ok=0 failed=1"
    assert (await group_row(runtime)).silence_id.startswith("want:1:")
    assert await sweep(runtime) == "jobs=0"  # not before its backoff

    clock.advance(seconds=5)
    fake_am.hanging = True
    assert await sweep(runtime) == "jobs=1 ok=0 failed=1"  # timed out
    assert (await group_row(runtime)).silence_id.startswith("want:2:")

    fake_am.hanging = False
    clock.advance(seconds=15)
    assert await sweep(runtime) == "jobs=1 ok=1 failed=0"
    assert (await group_row(runtime)).silence_id == "am:sil-3"


async def test_gives_up_after_the_last_attempt_and_says_so(runtime, slack, alerts, standin, relay, fake_am, clock):
    post = await firing_group(slack, alerts, standin, relay)
    await silence(slack, post, "24h")
    for _ in range(silences.MAX_ATTEMPTS):
        fake_am.answers = [(503, "down")]
        await sweep(runtime)
        clock.advance(seconds=max(silences.BACKOFF))
    assert (await group_row(runtime)).silence_id == "failed:HTTP 503"
    assert len(fake_am.calls) == silences.MAX_ATTEMPTS
    await relay()
    assert "Alertmanager silence failed" in str(standin.calls_to("chat.update")[-1].args["attachments"])
    assert any("did not make the silence" in c.args["text"] for c in standin.calls_to("chat.postMessage"))
    # The Slack silence holds regardless.
    assert (await group_row(runtime)).silenced_until is not None


async def test_a_refusal_fails_at_once(runtime, slack, alerts, standin, relay, fake_am):
    post = await firing_group(slack, alerts, standin, relay)
    await silence(slack, post)
    fake_am.answers = [(400, "bad matchers")]
    await sweep(runtime)
    assert (await group_row(runtime)).silence_id.startswith("failed:HTTP 400")
    assert len(fake_am.calls) == 1


async def test_unsilenced_before_the_sweep_makes_nothing(runtime, slack, alerts, standin, relay, fake_am):
    post = await firing_group(slack, alerts, standin, relay)
    await silence(slack, post, "resolved")
    await relay()
    [edit] = standin.calls_to("chat.update")
    await press(slack, ActionId.ALERT_UNSILENCE, value_of(edit, ActionId.ALERT_UNSILENCE))
    assert await sweep(runtime) == "jobs=0"
    assert fake_am.calls == []
    assert (await group_row(runtime)).silence_id is None


async def test_until_resolved_is_expired_when_the_group_resolves(runtime, slack, alerts, standin, relay, fake_am):
    post = await firing_group(slack, alerts, standin, relay)
    await silence(slack, post, "resolved")
    await sweep(runtime)
    [(_, _, body)] = fake_am.calls
    assert body["endsAt"] > "2026-01-30"  # a long window: expired on resolve instead
    assert (await alerts.post("alertmanager", sample("alertmanager_resolved"))).status == 202
    await relay()
    assert await sweep(runtime) == "jobs=1 ok=1 failed=0"
    assert fake_am.calls[-1][:2] == ("DELETE", "/api/v2/silence/sil-1")
    assert (await group_row(runtime)).silence_id is None


async def test_concurrent_sweeps_make_one_silence(runtime, slack, alerts, standin, relay, fake_am):
    post = await firing_group(slack, alerts, standin, relay)
    await silence(slack, post)
    await asyncio.gather(*(sweep(runtime) for _ in range(3)))
    assert [c[:2] for c in fake_am.calls] == [("POST", "/api/v2/silences")]


async def test_other_sources_stay_slack_only(runtime, slack, alerts, standin, relay, fake_am):
    from tests.alerts.test_samples import make_project
    await make_project(slack, "Churn", "C0CHURN")
    await slack.command("alerts route model=churn-predictor", channel="C0CHURN")
    assert (await alerts.post("grafana", sample("grafana_firing"))).status == 202
    await relay()
    assert (await sweep(runtime)) == "jobs=0"
    assert fake_am.calls == []


# -- against a live Alertmanager -----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=1) as answer:  # noqa: S310 (a local test server)
        return answer.read()


@pytest.fixture(scope="module")
def live_am(tmp_path_factory):
    if not os.access(ALERTMANAGER, os.X_OK):
        pytest.skip("prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager)")
    home = tmp_path_factory.mktemp("alertmanager")
    config = Path(home, "alertmanager.yml")
    config.write_text("route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n")
    port = _free_port()
    process = subprocess.Popen(
        [ALERTMANAGER, f"--config.file={config}", f"--storage.path={home / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    try:
        while True:
            if process.poll() is not None:
                pytest.skip(f"prometheus-alertmanager exited at start (code {process.returncode})")
            try:
                if _get(f"{url}/-/ready"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.skip("prometheus-alertmanager did not become ready within 15 s")
            time.sleep(0.1)  # polling another process's start-up, not waiting for time to pass
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


async def test_live_alertmanager_silence_and_unsilence(runtime, slack, alerts, standin, relay, live_am, clock):
    clock.set(datetime.now(UTC))  # Alertmanager refuses silences that ended in its past
    post = await firing_group(slack, alerts, standin, relay)
    await silence(slack, post, "4h")
    assert await silence_sweep(runtime.services) == "jobs=1 ok=1 failed=0"
    state = (await group_row(runtime)).silence_id
    assert state.startswith("am:")
    silence_id = state[3:]
    made = json.loads(_get(f"{live_am}/api/v2/silence/{silence_id}"))
    assert made["status"]["state"] == "active"
    assert made["createdBy"] == "slack:U0ADMIN"
    common = sample("alertmanager_firing")["commonLabels"]
    assert {m["name"]: m["value"] for m in made["matchers"]} == common
    assert all(m["isEqual"] and not m["isRegex"] for m in made["matchers"])

    await relay()
    edit = standin.calls_to("chat.update")[-1]
    await press(slack, ActionId.ALERT_UNSILENCE, value_of(edit, ActionId.ALERT_UNSILENCE))
    assert await silence_sweep(runtime.services) == "jobs=1 ok=1 failed=0"
    assert json.loads(_get(f"{live_am}/api/v2/silence/{silence_id}"))["status"]["state"] == "expired"
    assert (await group_row(runtime)).silence_id is None
