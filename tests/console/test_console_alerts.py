"""Console mode serves the alert endpoints with a token printed at start: a sample posted there shows up in
#general (the console's ALERT_CHANNEL), and its buttons work from the prompt."""

from __future__ import annotations

import asyncio
import json

import aiohttp
from sqlalchemy import func, select

from bot.alerts.relay import relay_all
from bot.console.app import alerts_banner
from storage.tables import AlertGroup
from tests.alerts.conftest import sample
from tests.console.test_console_session import button_number, console  # noqa: F401  (fixture)


async def post_alert(view, source: str, body) -> int:
    token = view.runtime.settings.alert_token.get_secret_value()
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{view.runtime.port}/alerts/{source}", data=json.dumps(body),
                             headers={"Authorization": f"Bearer {token}"}) as response:
            return response.status


async def settled(view, start: int | None = None) -> str:
    """What the console printed since `start` (default: now), once the relay and the outbox are done. The
    console's own relay and worker run too, so output may come before this is called: pass `start`."""
    start = len(view.lines) if start is None else start
    while True:
        await relay_all(view.runtime.services)
        async with view.runtime.db.read() as session:  # the console's own relay may hold a group a moment
            dirty = (await session.execute(select(func.count()).select_from(AlertGroup)
                                           .where(AlertGroup.dirty_since.is_not(None)))).scalar_one()
        if not dirty:
            break
        await asyncio.sleep(0.02)  # polling the relay task's progress, not waiting for time to pass
    await view.runtime.worker.wait_idle()
    return "\n".join(view.lines[start:])


async def test_the_banner_names_the_token_and_a_curl_line(console):
    banner = alerts_banner(console.runtime)
    token = console.runtime.settings.alert_token.get_secret_value()
    assert token.startswith("console-")
    assert f"curl -H 'Authorization: Bearer {token}'" in banner
    assert f":{console.runtime.port}/alerts/alertmanager" in banner


async def test_a_posted_sample_arrives_in_general_and_its_buttons_work(console):
    start = len(console.lines)
    assert await post_alert(console, "alertmanager", sample("alertmanager_firing")) == 202
    out = await settled(console, start)
    assert "#general — Crisp posted:" in out
    assert "Feature drift on fraud-scorer/transaction_amount" in out
    acknowledge = button_number(out, "Acknowledge")
    start = len(console.lines)
    await console.type(f":press {acknowledge}")
    pressed = await settled(console, start)
    assert "Crisp edited" in pressed
    assert "Acknowledged by @you" in pressed

    out = await console.type("/crisp alerts")
    assert "*1 open alert group* for no project" in out

    start = len(console.lines)
    assert await post_alert(console, "alertmanager", sample("alertmanager_resolved")) == 202
    out = await settled(console, start)
    assert "Resolved after 1 h 31 min" in out


async def test_a_storm_shows_as_one_summary_with_its_list_in_the_thread(console):
    start = len(console.lines)
    bodies = [{"title": f"Storm alert {n}", "status": "firing", "severity": "critical" if n % 2 else "warning"}
              for n in range(8)]
    assert await post_alert(console, "generic", bodies) == 202
    out = await settled(console, start)
    assert "3 alert groups firing in #general" in out
    assert "Alert groups 1–3 of this storm" in out
    for n in range(8):
        assert f"Storm alert {n}" in out


async def test_start_an_iteration_from_a_drift_alert_in_the_console(console):
    await console.type(":in #fraud", "/crisp project create Fraud Scorer", "/crisp alerts route model=fraud-scorer")
    confirm = await console.type("/crisp phase set deployment shipped")
    await console.type(f":press {button_number(confirm, 'Move to Deployment anyway')}")
    start = len(console.lines)
    assert await post_alert(console, "alertmanager", sample("alertmanager_firing")) == 202
    out = await settled(console, start)
    form = await console.type(f":press {button_number(out, 'Start an iteration')}")
    assert "Back to" in form and "Data understanding" in form
    start = len(console.lines)
    await console.type(":submit")
    done = (await settled(console, start)).replace("*", "")
    assert "moved Fraud Scorer back from Deployment to Data understanding" in done
    assert "started iteration 2 of Fraud Scorer from this alert" in done
    history = await console.type("/crisp phase history")
    assert "Drift alert: FeatureDriftDetected" in history


async def test_a_workspace_alert_token_from_the_prompt_is_accepted(console):
    start = len(console.lines)
    await console.type("/crisp alerts token")
    out = "\n".join(console.lines[start:])
    [token] = [word.strip("`") for word in out.split() if word.strip("`").startswith("crisp-alert-")]
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{console.runtime.port}/alerts/generic",
                             data=json.dumps({"title": "From the workspace token", "status": "firing",
                                              "severity": "warning"}),
                             headers={"Authorization": f"Bearer {token}"}) as response:
            assert response.status == 202
    assert "From the workspace token" in await settled(console, start)
