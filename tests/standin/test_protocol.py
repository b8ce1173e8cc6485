"""HTTP-level behaviour: tokens, body formats, unknown methods, malformed input."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin import SlackStandIn


async def _raw(standin: SlackStandIn, method: str, **kwargs: object) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.request(kwargs.pop("verb", "POST"), f"{standin.base_url}{method}", **kwargs) as res:  # type: ignore[arg-type]
            return res.status, await res.json()


@pytest.mark.parametrize(
    ("token", "error"),
    [(None, "not_authed"), ("garbage", "invalid_auth"), ("xapp-1-abc", "not_allowed_token_type")],
)
async def test_tokens_are_checked(standin: SlackStandIn, token: str | None, error: str) -> None:
    client = AsyncWebClient(token=token, base_url=standin.base_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as err:
        await client.auth_test()
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == error
    assert standin.calls_to("auth.test") == []
    assert standin.calls_to("auth.test", include_failed=True)[0].error == error


async def test_connections_open_needs_an_app_token(standin: SlackStandIn, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.apps_connections_open(app_token="xoxb-test")
    assert err.value.response["error"] == "not_allowed_token_type"
    opened = await client.apps_connections_open(app_token="xapp-1-test")
    assert opened["url"] == standin.base_url.replace("http://", "ws://").replace("/api/", "/socket-mode")


async def test_unknown_method_is_http_200(standin: SlackStandIn) -> None:
    status, body = await _raw(standin, "chat.teleport", headers={"Authorization": "Bearer xoxb-test"})
    assert (status, body) == (200, {"ok": False, "error": "unknown_method"})


async def test_form_body_with_token_field_and_json_blocks(standin: SlackStandIn) -> None:
    blocks = '[{"type": "divider"}]'
    status, body = await _raw(
        standin, "chat.postMessage", data={"token": "xoxb-form", "channel": "C0FORM", "text": "t", "blocks": blocks}
    )
    assert status == 200 and body["ok"] is True
    call = standin.calls_to("chat.postMessage")[0]
    assert call.args == {"channel": "C0FORM", "text": "t", "blocks": [{"type": "divider"}]}
    assert call.token == "xoxb-form"


async def test_get_with_query_parameters(standin: SlackStandIn) -> None:
    status, body = await _raw(standin, "users.info", verb="GET", params={"token": "xoxb-q", "user": "U0ALICE"})
    assert status == 200 and body["user"]["name"] == "alice"


@pytest.mark.parametrize(
    ("content_type", "payload", "error"),
    [
        ("application/json", b'{"channel": "C1", "text": ', "invalid_json"),
        ("application/json", b'["not", "an", "object"]', "invalid_json"),
        ("application/x-www-form-urlencoded", b"\xff\xfe=\x00", "invalid_form_data"),
        ("application/x-www-form-urlencoded", b"channel", "invalid_form_data"),
    ],
)
async def test_malformed_bodies_answer_like_slack(
    standin: SlackStandIn, content_type: str, payload: bytes, error: str
) -> None:
    headers = {"Authorization": "Bearer xoxb-test", "Content-Type": content_type}
    status, body = await _raw(standin, "chat.postMessage", data=payload, headers=headers)
    assert (status, body) == (200, {"ok": False, "error": error})
    assert standin.calls[-1].error == error


async def test_recorded_call_repr_masks_the_token(standin: SlackStandIn, client: AsyncWebClient) -> None:
    await client.auth_test()
    text = repr(standin.calls[0])
    assert "xoxb-test" not in text and "xoxb-***" in text
    assert standin.calls[0].token == "xoxb-test"
