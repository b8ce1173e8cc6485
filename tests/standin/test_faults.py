"""fail(), hold() and listen(): making Slack misbehave on cue and watching calls."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin import RecordedCall, SlackStandIn


async def test_429_carries_retry_after(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C0F", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    assert err.value.response["error"] == "ratelimited"
    assert standin.messages("C0F") == []  # a faulted call is not applied
    assert (await client.chat_postMessage(channel="C0F", text="x"))["ok"]


async def test_429_defaults_to_one_second(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.fail("auth.test", status=429)
    with pytest.raises(SlackApiError) as err:
        await client.auth_test()
    assert err.value.response.headers["Retry-After"] == "1"


async def test_500_and_proxy_style_503(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.fail("chat.postMessage", status=500)
    standin.fail("chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as first:
        await client.chat_postMessage(channel="C0F", text="x")
    assert first.value.response.status_code == 500 and first.value.response["error"] == "internal_error"
    with pytest.raises(SlackApiError) as second:
        await client.chat_postMessage(channel="C0F", text="x")
    assert second.value.response.status_code == 503
    assert "Service Unavailable" in second.value.response.data  # plain text, not JSON
    failed = standin.calls_to("chat.postMessage", include_failed=True)
    assert [(c.status, c.response) for c in failed] == [
        (500, {"ok": False, "error": "internal_error"}), (503, {})
    ]


async def test_error_strings_at_http_200(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.fail("conversations.history", status=200, error="not_in_channel")
    with pytest.raises(SlackApiError) as err:
        await client.conversations_history(channel="C0F")
    assert err.value.response.status_code == 200
    assert err.value.response.data == {"ok": False, "error": "not_in_channel"}
    with pytest.raises(ValueError):
        standin.fail("auth.test", status=200)


async def test_times_n_then_recovery_and_wildcard(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.fail("auth.test", status=502, times=2)
    standin.fail("*", status=200, error="fatal_error")
    results = []
    for _ in range(3):
        try:
            results.append((await client.auth_test())["ok"])
        except SlackApiError as exc:
            results.append(exc.response.status_code)
    assert results == [502, 502, 200]  # third call hits the "*" fault (HTTP 200, ok=false)
    assert standin.calls[-1].error == "fatal_error"
    assert (await client.auth_test())["ok"] is True


async def test_faults_for_one_method_are_fifo(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.fail("users.info", status=200, error="first")
    standin.fail("users.info", status=200, error="second")
    errors = []
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            await client.users_info(user="U0ALICE")
        errors.append(err.value.response["error"])
    assert errors == ["first", "second"]


async def test_hold_applies_the_call_but_withholds_the_answer(standin: SlackStandIn, client: AsyncWebClient) -> None:
    hold = standin.hold("chat.postMessage")
    task = asyncio.create_task(client.chat_postMessage(channel="C0HOLD", text="accepted"))
    await asyncio.wait_for(hold.reached.wait(), 2)
    assert [m["text"] for m in standin.messages("C0HOLD")] == ["accepted"]
    assert standin.calls_to("chat.postMessage")[0].ok
    # A later call is answered in full while the held one still waits for release().
    assert (await client.auth_test())["ok"] is True
    assert not task.done()
    hold.release()
    answer = await asyncio.wait_for(task, 2)
    assert answer["ts"] == standin.messages("C0HOLD")[0]["ts"]


async def test_held_client_can_die_and_stop_still_returns(standin: SlackStandIn, client: AsyncWebClient) -> None:
    hold = standin.hold("chat.postMessage")
    task = asyncio.create_task(client.chat_postMessage(channel="C0HOLD", text="orphan"))
    await asyncio.wait_for(hold.reached.wait(), 2)
    task.cancel()  # the bot "dies" before reading the answer
    with pytest.raises(asyncio.CancelledError):
        await task
    assert standin.messages("C0HOLD")[0]["text"] == "orphan"
    await asyncio.wait_for(standin.stop(), 3)  # the withheld answer must not block shutdown


async def test_listen_sees_every_call_in_order(standin: SlackStandIn, client: AsyncWebClient) -> None:
    seen: list[RecordedCall] = []
    standin.listen(seen.append)
    standin.listen(lambda call: 1 / 0)  # a broken listener must not break the stand-in
    standin.fail("auth.test", status=500)
    with pytest.raises(SlackApiError):
        await client.auth_test()
    await client.chat_postMessage(channel="C0L", text="x")
    assert [(c.method, c.status) for c in seen] == [("auth.test", 500), ("chat.postMessage", 200)]
    assert seen == standin.calls


async def test_hold_before_apply_acts_only_on_release(standin: SlackStandIn, client: AsyncWebClient) -> None:
    hold = standin.hold("chat.postMessage", before_apply=True)
    task = asyncio.create_task(client.chat_postMessage(channel="C0HOLD", text="in transit"))
    await asyncio.wait_for(hold.reached.wait(), 2)
    assert standin.messages("C0HOLD") == []  # Slack has not acted on it yet
    assert standin.calls_to("chat.postMessage", include_failed=True) == []
    hold.release()
    answer = await asyncio.wait_for(task, 2)
    assert [m["text"] for m in standin.messages("C0HOLD")] == ["in transit"]
    assert answer["ts"] == standin.messages("C0HOLD")[0]["ts"]


async def test_a_call_held_before_apply_is_applied_even_if_its_client_left(standin: SlackStandIn,
                                                                          client: AsyncWebClient) -> None:
    """Slack may still act on a request whose sender gave up waiting."""
    hold = standin.hold("chat.postMessage", before_apply=True)
    task = asyncio.create_task(client.chat_postMessage(channel="C0HOLD", text="late"))
    await asyncio.wait_for(hold.reached.wait(), 2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    applied = asyncio.Event()
    standin.listen(lambda call: applied.set())
    hold.release()
    await asyncio.wait_for(applied.wait(), 2)
    assert [m["text"] for m in standin.messages("C0HOLD")] == ["late"]


async def test_a_dropped_call_is_never_applied(standin: SlackStandIn, client: AsyncWebClient) -> None:
    hold = standin.hold("chat.postMessage", before_apply=True)
    task = asyncio.create_task(client.chat_postMessage(channel="C0HOLD", text="lost"))
    await asyncio.wait_for(hold.reached.wait(), 2)
    hold.drop()
    with pytest.raises(SlackApiError) as err:
        await asyncio.wait_for(task, 2)
    assert err.value.response.status_code == 503
    assert standin.messages("C0HOLD") == []
    assert [c.status for c in standin.calls_to("chat.postMessage", include_failed=True)] == [503]
    with pytest.raises(ValueError):
        standin.hold("chat.postMessage").drop()  # an applied call cannot be taken back
