"""The whole install against the stand-in, through HTTP: /slack/install, Slack's consent (the stand-in's
code), /slack/oauth_redirect, then commands from the installed workspace."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from sqlalchemy import select

from bot.manifest import BOT_SCOPES
from bot.runtime import Runtime
from storage.tables import SlackBots, SlackInstallations, SlackOAuthStates
from tests.workspaces.oauth_helpers import (command_from, finish_install, install, oauth_runtime,  # noqa: F401
                                            oauth_slack, start_install)

TEAM = "T0ALPHA"


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


def base(runtime) -> str:
    return f"http://127.0.0.1:{runtime.port}"


async def stored(runtime, table) -> list[dict]:
    async with runtime.db.read() as session:
        return [dict(row) for row in (await session.execute(select(table))).mappings()]


async def test_install_redirects_with_a_state_and_the_redirect_stores_the_installation(oauth_runtime, standin, http):
    standin.add_workspace(TEAM, "Alpha & <Co>")
    started = await start_install(http, base(oauth_runtime))
    assert started.answer.status == 302
    consent = urlsplit(started.location)
    query = parse_qs(consent.query)
    assert f"{consent.scheme}://{consent.netloc}{consent.path}" == "https://slack.com/oauth/v2/authorize"
    assert query["client_id"] == [standin.installs.client_id]
    assert query["scope"] == [",".join(BOT_SCOPES)] and "user_scope" not in query  # bot scopes only
    assert len(started.state) >= 32 and started.cookie == started.state
    assert len(await stored(oauth_runtime, SlackOAuthStates)) == 1

    answer = await finish_install(http, base(oauth_runtime), code=standin.authorization_code(TEAM),
                                  state=started.state, cookie=started.cookie)

    assert answer.status == 200
    assert "Crisp is installed" in answer.text
    assert "Alpha &amp; &lt;Co&gt;" in answer.text and "<Co>" not in answer.text  # the name is escaped
    assert "/crisp project create" in answer.text  # what to do next
    bots = await stored(oauth_runtime, SlackBots)
    assert [(b["team_id"], b["bot_token"], b["bot_user_id"]) for b in bots] == [
        (TEAM, standin.installs.tokens_of(TEAM)[0], f"U{TEAM[1:]}BOT1")]
    assert bots[0]["bot_refresh_token"] and bots[0]["bot_token_expires_at"] is not None
    assert [i["team_id"] for i in await stored(oauth_runtime, SlackInstallations)] == [TEAM]
    assert await stored(oauth_runtime, SlackOAuthStates) == []  # the state is used up
    assert [c.method for c in standin.calls] == ["oauth.v2.access", "auth.test"]


async def test_a_command_from_the_installed_workspace_makes_no_slack_call_on_the_ack_path(
        oauth_runtime, oauth_slack, standin, http):
    standin.add_workspace(TEAM, "Alpha")
    assert (await install(http, base(oauth_runtime), standin, TEAM)).status == 200
    before = len(standin.calls)

    answer = await command_from(oauth_slack, TEAM, "project create Churn Radar", channel="C0CHURN")
    listed = await command_from(oauth_slack, TEAM, "project list")

    assert answer.status == 200 and "Churn Radar" in answer.json["text"]
    assert "Churn Radar" in listed.json["text"]
    assert standin.calls[before:] == []  # answered from the store and the database alone


async def test_a_forged_state_is_refused_and_stores_nothing(oauth_runtime, standin, http):
    standin.add_workspace(TEAM, "Alpha")
    forged = "f" * 64
    answer = await finish_install(http, base(oauth_runtime), code=standin.authorization_code(TEAM), state=forged,
                                  cookie=forged)
    assert answer.status == 401
    assert "expired or was used already" in answer.text and "Start again" in answer.text
    assert await stored(oauth_runtime, SlackBots) == []
    assert standin.calls_to("oauth.v2.access", include_failed=True) == []  # the code was never traded


async def test_a_replayed_state_is_refused(oauth_runtime, standin, http):
    standin.add_workspace(TEAM, "Alpha")
    started = await start_install(http, base(oauth_runtime))
    first = await finish_install(http, base(oauth_runtime), code=standin.authorization_code(TEAM),
                                 state=started.state, cookie=started.cookie)
    again = await finish_install(http, base(oauth_runtime), code=standin.authorization_code(TEAM),
                                 state=started.state, cookie=started.cookie)
    assert (first.status, again.status) == (200, 401)
    assert len(await stored(oauth_runtime, SlackBots)) == 1
    assert len(standin.calls_to("oauth.v2.access")) == 1


async def test_a_state_from_another_browser_is_refused(oauth_runtime, standin, http):
    """The state is real but this browser never started the install (no cookie): someone else's link."""
    standin.add_workspace(TEAM, "Alpha")
    started = await start_install(http, base(oauth_runtime))
    answer = await finish_install(http, base(oauth_runtime), code=standin.authorization_code(TEAM),
                                  state=started.state, cookie=None)
    assert answer.status == 400 and "browser that started it" in answer.text
    assert await stored(oauth_runtime, SlackBots) == []


async def test_an_expired_state_is_refused(oauth_runtime, standin, http, clock):
    standin.add_workspace(TEAM, "Alpha")
    started = await start_install(http, base(oauth_runtime))
    clock.advance(minutes=11)
    answer = await finish_install(http, base(oauth_runtime), code=standin.authorization_code(TEAM),
                                  state=started.state, cookie=started.cookie)
    assert answer.status == 401 and await stored(oauth_runtime, SlackBots) == []


async def test_cancelling_on_slacks_screen_says_what_to_do_next(oauth_runtime, http):
    async with http.get(base(oauth_runtime) + "/slack/oauth_redirect?error=access_denied&state=x") as response:
        text = await response.text()
    assert response.status == 200 and "Installation cancelled" in text and 'href="/slack/install"' in text


async def test_an_organization_wide_install_is_refused_with_the_reason(oauth_runtime, standin, http):
    standin.add_workspace("T0ORG", "Org", enterprise_id="E0GRID", enterprise_name="Grid Corp")
    started = await start_install(http, base(oauth_runtime))
    answer = await finish_install(http, base(oauth_runtime), code=standin.authorization_code("T0ORG", org_wide=True),
                                  state=started.state, cookie=started.cookie)
    assert answer.status == 403
    assert "Enterprise Grid organization is not supported" in answer.text and "each workspace" in answer.text
    assert await stored(oauth_runtime, SlackBots) == [] and await stored(oauth_runtime, SlackInstallations) == []


async def test_a_workspace_of_an_enterprise_installs_with_its_enterprise_id(oauth_runtime, oauth_slack, standin, http):
    """Installing into one workspace of a Grid organization is a workspace install: it works, and requests
    carrying the enterprise id find it."""
    standin.add_workspace("T0GRIDWS", "Grid workspace", enterprise_id="E0GRID")
    assert (await install(http, base(oauth_runtime), standin, "T0GRIDWS")).status == 200
    bots = await stored(oauth_runtime, SlackBots)
    assert [(b["enterprise_id"], b["team_id"]) for b in bots] == [("E0GRID", "T0GRIDWS")]
    bot = await oauth_runtime.installed_tokens.installed("T0GRIDWS", "E0GRID")
    assert bot is not None and bot.token == standin.installs.tokens_of("T0GRIDWS")[0]


async def test_the_install_page_names_the_scopes_and_the_next_step(oauth_runtime, http):
    async with http.get(base(oauth_runtime) + "/install") as response:
        text = await response.text()
    assert response.status == 200 and response.content_type == "text/html"
    assert 'href="/slack/install"' in text and "Add to Slack" in text
    assert all(scope in text for scope in BOT_SCOPES) and "Enterprise Grid" in text


async def test_reinstalling_keeps_one_token_per_workspace_the_newest(oauth_runtime, standin, http, clock):
    standin.add_workspace(TEAM, "Alpha")
    await install(http, base(oauth_runtime), standin, TEAM)
    clock.advance(minutes=5)
    await install(http, base(oauth_runtime), standin, TEAM)
    bot = await oauth_runtime.installed_tokens.installed(TEAM)
    assert bot.token == standin.installs.tokens_of(TEAM)[-1]


async def test_single_workspace_alert_settings_are_named_as_unused_when_serving_many(database_url, standin, clock,
                                                                                     caplog):
    from tests.workspaces.oauth_helpers import oauth_settings

    settings = oauth_settings(database_url, standin, alert_channel="C0ALERTS")
    runtime = Runtime(settings, clock=clock)
    with caplog.at_level("WARNING", logger="crisp"):
        await runtime.start(http=False, worker=False)
    await runtime.stop()
    assert any("ALERT_CHANNEL set but not used when serving many workspaces" in r.getMessage()
               for r in caplog.records)
