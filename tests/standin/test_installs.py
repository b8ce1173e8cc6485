"""The stand-in as several workspaces: oauth.v2.access trades codes and refresh tokens, auth.test answers
per token, revoked and expired tokens are refused, and every call records whose token made it."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin import SlackStandIn


@pytest.fixture
def app(standin: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(base_url=standin.base_url, retry_handlers=[])


async def trade(app: AsyncWebClient, standin: SlackStandIn, code: str, **overrides):
    credentials = {"client_id": standin.installs.client_id, "client_secret": standin.installs.client_secret}
    return await app.oauth_v2_access(**{**credentials, **overrides}, code=code)


async def test_a_code_is_traded_once_for_a_rotating_token_of_its_workspace(standin, app):
    ident = standin.add_workspace("T0BETA", "Beta")
    code = standin.authorization_code("T0BETA", installer="U0BETAADMIN")
    answer = await trade(app, standin, code)
    assert answer["team"] == {"id": "T0BETA", "name": "Beta"} and answer["bot_user_id"] == ident.bot_user_id
    assert answer["access_token"].startswith("xoxe.xoxb-") and answer["refresh_token"].startswith("xoxe-1-")
    assert answer["expires_in"] == 43200 and answer["authed_user"] == {"id": "U0BETAADMIN"}
    with pytest.raises(SlackApiError) as again:
        await trade(app, standin, code)
    assert again.value.response["error"] == "invalid_code"


@pytest.mark.parametrize("overrides, error", [({"client_id": "9.9"}, "invalid_client_id"),
                                              ({"client_secret": "nope"}, "bad_client_secret")])
async def test_wrong_app_credentials_are_refused(standin, app, overrides, error):
    standin.add_workspace("T0BETA", "Beta")
    with pytest.raises(SlackApiError) as refused:
        await trade(app, standin, standin.authorization_code("T0BETA"), **overrides)
    assert refused.value.response["error"] == error


async def test_a_refresh_gives_a_new_token_and_the_refresh_token_is_used_up(standin, app):
    standin.add_workspace("T0BETA", "Beta")
    first = await trade(app, standin, standin.authorization_code("T0BETA"))
    credentials = {"client_id": standin.installs.client_id, "client_secret": standin.installs.client_secret}
    refreshed = await app.oauth_v2_access(**credentials, grant_type="refresh_token",
                                          refresh_token=first["refresh_token"])
    assert refreshed["access_token"] != first["access_token"] and refreshed["team"]["id"] == "T0BETA"
    with pytest.raises(SlackApiError) as spent:
        await app.oauth_v2_access(**credentials, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert spent.value.response["error"] == "invalid_refresh_token"


async def test_auth_test_and_call_records_name_each_tokens_workspace(standin, app):
    standin.add_workspace("T0BETA", "Beta")
    token = (await trade(app, standin, standin.authorization_code("T0BETA")))["access_token"]
    beta = AsyncWebClient(token=token, base_url=standin.base_url, retry_handlers=[])
    first = AsyncWebClient(token="xoxb-test", base_url=standin.base_url, retry_handlers=[])
    assert (await beta.auth_test())["team_id"] == "T0BETA"
    assert (await first.auth_test())["team_id"] == standin.identity.team_id  # tokens it never issued
    await beta.chat_postMessage(channel="C0GEN", text="hi")
    assert [(c.method, c.team) for c in standin.calls_by_team("T0BETA")] == [("auth.test", "T0BETA"),
                                                                          ("chat.postMessage", "T0BETA")]
    assert standin.calls_to("oauth.v2.access")[0].team is None  # made with the app's credentials


async def test_revoked_and_expired_tokens_are_refused(standin, app, clock):
    standin.add_workspace("T0BETA", "Beta")
    standin.add_workspace("T0GAMMA", "Gamma")
    beta = (await trade(app, standin, standin.authorization_code("T0BETA")))["access_token"]
    gamma = (await trade(app, standin, standin.authorization_code("T0GAMMA")))["access_token"]
    standin.revoke_tokens("T0BETA")
    with pytest.raises(SlackApiError) as revoked:
        await AsyncWebClient(token=beta, base_url=standin.base_url).auth_test()
    assert revoked.value.response["error"] == "token_revoked"
    clock.advance(hours=12)
    with pytest.raises(SlackApiError) as expired:
        await AsyncWebClient(token=gamma, base_url=standin.base_url).auth_test()
    assert expired.value.response["error"] == "token_expired"
