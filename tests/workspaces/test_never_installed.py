"""OAuth mode: a workspace that never installed Crisp sends signed requests. A command is answered in the
HTTP response with one ephemeral line pointing at the install page; events and button presses get an empty
200; nothing calls Slack (Bolt's own answer would post to the command's `response_url`). Both databases."""

from __future__ import annotations

import aiohttp
import pytest

from bot.console import slack_requests as slack
from bot.console.slack_requests import Person, Place
from tests.conftest import SIGNING_SECRET
from tests.slack_client import SlackTestClient
from tests.workspaces.oauth_helpers import install, oauth_runtime  # noqa: F401

NEVER = "T0NEVER"


@pytest.fixture
async def stranger(oauth_runtime, clock):
    client = SlackTestClient(f"http://127.0.0.1:{oauth_runtime.port}", SIGNING_SECRET, clock, team_id=NEVER)
    yield client
    await client.close()


async def test_a_command_gets_the_install_page_and_nothing_calls_slack(oauth_runtime, stranger, standin):
    answer = await stranger.command("project list")
    assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
    text = answer.json["text"]
    assert text.startswith(":warning: Crisp is not installed in this workspace, so `/crisp`")
    assert f"https://127.0.0.1:{oauth_runtime.port}/install" in text
    assert standin.calls == []


async def test_the_install_link_follows_the_host_the_proxy_passes_on(stranger, standin):
    body, content_type = slack.slash_command("/crisp", "help", Person("U0X", "x"), Place("C0X", "x"),
                                             slack.new_trigger_id(), team_id=NEVER)
    headers = slack.signed_headers(SIGNING_SECRET, body, content_type=content_type,
                                   timestamp=int(stranger.clock.now().timestamp()))
    proxied = await stranger.post_raw(body, {**headers, "X-Forwarded-Host": "crisp.example.com",
                                             "X-Forwarded-Proto": "https"})
    assert "<https://crisp.example.com/install|https://crisp.example.com/install>" in proxied.json["text"]
    forged = await stranger.post_raw(body, {**headers, "X-Forwarded-Host": "evil.example/<!channel>"})
    assert "<!channel>" not in forged.json["text"] and "`/install`" in forged.json["text"]
    assert standin.calls == []


async def test_events_and_presses_get_an_empty_200(stranger, standin):
    event = await stranger.event({"type": "member_joined_channel", "user": "U0X", "channel": "C0X"})
    home = await stranger.event({"type": "app_home_opened", "user": "U0X", "tab": "home"})
    press = await stranger.press("anything", value="{}")
    assert [(a.status, a.text) for a in (event, home, press)] == [(200, "")] * 3
    assert standin.calls == []


async def test_once_installed_the_same_workspace_is_served(oauth_runtime, stranger, standin):
    assert "not installed" in (await stranger.command("project list")).json["text"]
    standin.add_workspace(NEVER, "Newcomer")
    async with aiohttp.ClientSession() as http:
        assert (await install(http, f"http://127.0.0.1:{oauth_runtime.port}", standin, NEVER)).status == 200
    answer = await stranger.command("project create Churn Radar")
    assert answer.status == 200 and "Churn Radar" in answer.json["text"]
