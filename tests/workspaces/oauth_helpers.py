"""Crisp in OAuth mode against the stand-in: settings, a running app, and the browser's side of an install."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import aiohttp
import pytest

from bot.console import slack_requests as slack
from bot.console.slack_requests import Person, Place
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack_standin import SlackStandIn
from tests.conftest import make_settings
from tests.slack_client import Answer, SlackTestClient

STATE_COOKIE = "slack-app-oauth-state"


def oauth_settings(database_url: str, standin: SlackStandIn, **overrides) -> Settings:
    return make_settings(database_url, standin.base_url, slack_bot_token=None,
                         slack_client_id=standin.installs.client_id,
                         slack_client_secret=standin.installs.client_secret, **overrides)


async def start_oauth_runtime(database_url: str, standin: SlackStandIn, clock) -> Runtime:
    runtime = Runtime(oauth_settings(database_url, standin), clock=clock)
    await runtime.start(http=True, worker=False)
    return runtime


@pytest.fixture
async def oauth_runtime(database_url, standin, clock) -> AsyncIterator[Runtime]:
    runtime = await start_oauth_runtime(database_url, standin, clock)
    yield runtime
    await runtime.stop()


@pytest.fixture
async def oauth_slack(oauth_runtime, clock) -> AsyncIterator[SlackTestClient]:
    from tests.conftest import SIGNING_SECRET

    client = SlackTestClient(f"http://127.0.0.1:{oauth_runtime.port}", SIGNING_SECRET, clock)
    yield client
    await client.close()


@dataclass
class Started:
    """What /slack/install gave the browser: Slack's consent URL (with the state) and the state cookie."""

    answer: Answer
    location: str
    state: str
    cookie: str | None


async def start_install(http: aiohttp.ClientSession, base_url: str) -> Started:
    async with http.get(base_url + "/slack/install", allow_redirects=False) as response:
        answer = Answer(response.status, await response.text(), dict(response.headers))
        cookie = response.cookies.get(STATE_COOKIE)
    location = answer.headers.get("Location", "")
    state = parse_qs(urlsplit(location).query).get("state", [""])[0]
    return Started(answer, location, state, cookie.value if cookie is not None else None)


async def finish_install(http: aiohttp.ClientSession, base_url: str, *, code: str, state: str,
                         cookie: str | None) -> Answer:
    """The browser coming back from Slack's consent screen to /slack/oauth_redirect."""
    headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie is not None else {}
    query = urlencode({"code": code, "state": state})
    async with http.get(f"{base_url}/slack/oauth_redirect?{query}", headers=headers, allow_redirects=False) as response:
        return Answer(response.status, await response.text(), dict(response.headers))


async def install(http: aiohttp.ClientSession, base_url: str, standin: SlackStandIn, team_id: str) -> Answer:
    started = await start_install(http, base_url)
    return await finish_install(http, base_url, code=standin.authorization_code(team_id), state=started.state,
                                cookie=started.cookie)


async def command_from(client: SlackTestClient, team_id: str, text: str, *, user: str = "U0ADMIN",
                       channel: str = "C0CHURN") -> Answer:
    """A signed slash command from the workspace `team_id`."""
    body, content_type = slack.slash_command("/crisp", text, Person(user, user.lower()),
                                             Place(channel, channel.lower()), slack.new_trigger_id())
    fields = dict(parse_qsl(body, keep_blank_values=True))
    fields["team_id"] = team_id
    return await client.post_signed(urlencode(fields), content_type)
