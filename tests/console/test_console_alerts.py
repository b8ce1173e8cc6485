"""Console mode serves the alert endpoints with a token printed at start: a sample posted there shows up in
#general (the console's ALERT_CHANNEL), and its buttons work from the prompt."""

from __future__ import annotations

import json

import aiohttp

from bot.alerts.relay import relay_all
from bot.console.app import alerts_banner
from tests.alerts.conftest import sample
from tests.console.test_console_session import button_number, console  # noqa: F401  (fixture)


async def post_alert(view, source: str, body) -> int:
    token = view.runtime.settings.alert_token.get_secret_value()
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{view.runtime.port}/alerts/{source}", data=json.dumps(body),
                             headers={"Authorization": f"Bearer {token}"}) as response:
            return response.status


async def settled(view) -> str:
    start = len(view.lines)
    await relay_all(view.runtime.services)
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
    await settled(console)
    out = "\n".join(console.lines[start:])
    assert "#general — Crisp posted:" in out
    assert "Feature drift on fraud-scorer/transaction_amount" in out
    acknowledge = button_number(out, "Acknowledge")
    pressed = await console.type(f":press {acknowledge}")
    pressed += await settled(console)
    assert "Crisp edited" in pressed
    assert "Acknowledged by @you" in pressed

    out = await console.type("/crisp alerts")
    assert "*1 open alert group* for no project" in out

    assert await post_alert(console, "alertmanager", sample("alertmanager_resolved")) == 202
    out = await settled(console)
    assert "Resolved after 1 h 31 min" in out
