"""Modals and Home tabs: stacks, push limit, hash conflicts, triggers, validation."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import FakeClock
from bot.slack_standin import SlackStandIn


def modal(title: str = "Crisp", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}],
        **extra,
    }


async def _error(call: Any) -> tuple[str, list[str]]:
    with pytest.raises(SlackApiError) as err:
        await call
    data = err.value.response.data
    return data["error"], data.get("response_metadata", {}).get("messages", [])


async def test_open_push_until_the_stack_is_full(standin: SlackStandIn, client: AsyncWebClient) -> None:
    for n in range(1, 5):
        standin.register_trigger(f"trig-{n}", "U0ALICE")
    opened = await client.views_open(trigger_id="trig-1", view=modal(callback_id="start"))
    root = opened["view"]["id"]
    assert opened["view"]["id"].startswith("V") and opened["view"]["root_view_id"] == root
    second = await client.views_push(trigger_id="trig-2", view=modal("Step 2"))
    assert second["view"]["previous_view_id"] == root and second["view"]["root_view_id"] == root
    await client.views_push(trigger_id="trig-3", view=modal("Step 3"))
    assert await _error(client.views_push(trigger_id="trig-4", view=modal("Step 4"))) == ("push_limit_reached", [])
    assert [v["title"]["text"] for v in standin.open_views("U0ALICE")] == ["Crisp", "Step 2", "Step 3"]
    standin.close_views("U0ALICE")
    assert standin.open_views("U0ALICE") == []


async def test_unregistered_trigger_files_views_under_none(standin: SlackStandIn, client: AsyncWebClient) -> None:
    await client.views_open(trigger_id="12345.98765.abcd", view=modal())
    assert len(standin.open_views(None)) == 1
    assert await _error(client.views_open(trigger_id="12345.98765.abcd", view=modal())) == ("exchanged_trigger_id", [])
    assert await _error(client.views_open(trigger_id="", view=modal())) == ("invalid_trigger_id", [])


async def test_registered_trigger_expires_after_three_seconds(
    standin: SlackStandIn, client: AsyncWebClient, clock: FakeClock
) -> None:
    standin.register_trigger("late", "U0ALICE")
    clock.advance(3.5)
    assert await _error(client.views_open(trigger_id="late", view=modal())) == ("expired_trigger_id", [])


async def test_update_checks_hash_and_existence(standin: SlackStandIn, client: AsyncWebClient) -> None:
    opened = (await client.views_open(trigger_id="t1", view=modal(external_id="ext-1")))["view"]
    updated = (await client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Updated")))["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert standin.open_views(None)[0]["title"]["text"] == "Updated"
    assert await _error(client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())) == (
        "hash_conflict", []
    )
    assert await _error(client.views_update(view_id="V404", view=modal())) == ("not_found", [])
    by_external = await client.views_update(external_id="ext-1", view=modal("Via ext", external_id="ext-1"))
    assert by_external["view"]["id"] == opened["id"]


async def test_modal_title_of_25_chars_is_refused(client: AsyncWebClient) -> None:
    assert await _error(client.views_open(trigger_id="t", view=modal("x" * 25))) == (
        "invalid_arguments", ["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"]
    )


async def test_private_metadata_of_3001_chars_is_refused(client: AsyncWebClient) -> None:
    assert await _error(client.views_open(trigger_id="t", view=modal(private_metadata="m" * 3001))) == (
        "invalid_arguments", ["[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"]
    )
    ok = await client.views_open(trigger_id="t", view=modal(private_metadata="m" * 3000))
    assert len(ok["view"]["private_metadata"]) == 3000


async def test_oversized_view_is_view_too_large(client: AsyncWebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3000}}] * 90
    assert await _error(client.views_open(trigger_id="t", view=modal(blocks=blocks))) == ("view_too_large", [])


async def test_publish_home_view(standin: SlackStandIn, client: AsyncWebClient) -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Projects"}}]}
    first = (await client.views_publish(user_id="U0ALICE", view=home))["view"]
    assert first["type"] == "home" and standin.home_view("U0ALICE")["id"] == first["id"]
    second = (await client.views_publish(user_id="U0ALICE", view=home, hash=first["hash"]))["view"]
    assert second["id"] == first["id"]
    assert await _error(client.views_publish(user_id="U0ALICE", view=home, hash=first["hash"])) == ("hash_conflict", [])
    error, messages = await _error(client.views_publish(user_id="U0ALICE", view=modal()))
    assert error == "invalid_arguments" and "/view/type" in messages[0]
    assert await _error(client.views_publish(user_id="U0NOBODY", view=home)) == ("user_not_found", [])
    assert standin.home_view("U0NOBODY") is None
