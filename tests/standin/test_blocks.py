"""Block Kit rejections: through the API for each headline limit, and the pure checks."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin.blocks import check_message_blocks, check_view, view_too_large


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(action_id: str, text: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": text}, **extra}


async def _rejection(client: AsyncWebClient, blocks: list[Any]) -> tuple[str, list[str]]:
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C0BLOCKS", text="fallback", blocks=blocks)
    body = err.value.response.data
    return body["error"], body.get("response_metadata", {}).get("messages", [])


async def test_51_blocks_are_refused(client: AsyncWebClient) -> None:
    assert await _rejection(client, [{"type": "divider"}] * 51) == (
        "invalid_blocks", ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]
    )
    ok = await client.chat_postMessage(channel="C0BLOCKS", text="t", blocks=[{"type": "divider"}] * 50)
    assert len(ok["message"]["blocks"]) == 50


async def test_section_text_of_3001_chars_is_refused(client: AsyncWebClient) -> None:
    assert await _rejection(client, [section("x" * 3001)]) == (
        "invalid_blocks", ["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]
    )
    assert (await client.chat_postMessage(channel="C0BLOCKS", text="t", blocks=[section("x" * 3000)]))["ok"]


async def test_blocks_inside_attachments_are_checked_like_the_messages_own(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C0BLOCKS", text="t",
                                      attachments=[{"color": "#e01e5a", "blocks": [section("x" * 3001)]}])
    assert err.value.response.data["response_metadata"]["messages"] == [
        "[ERROR] must be less than 3001 characters [json-pointer:/attachments/0/blocks/0/text/text]"]
    ok = await client.chat_postMessage(channel="C0BLOCKS", text="t",
                                       attachments=[{"color": "#e01e5a", "blocks": [section("x" * 3000)]}])
    assert ok["ok"]


async def test_header_of_151_chars_is_refused(client: AsyncWebClient) -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert await _rejection(client, [section("intro"), header]) == (
        "invalid_blocks", ["[ERROR] must be less than 151 characters [json-pointer:/blocks/1/text/text]"]
    )


async def test_unknown_block_type_is_refused(client: AsyncWebClient) -> None:
    error, messages = await _rejection(client, [{"type": "carousel_of_doom"}])
    assert error == "invalid_blocks"
    assert messages == ["[ERROR] unsupported type: carousel_of_doom [json-pointer:/blocks/0/type]"]


async def test_duplicate_action_id_in_a_block_is_refused(client: AsyncWebClient) -> None:
    actions = {"type": "actions", "elements": [button("pick"), button("pick", "Again")]}
    assert await _rejection(client, [actions]) == (
        "invalid_blocks", ['[ERROR] `action_id` "pick" already exists [json-pointer:/blocks/0/elements/1/action_id]']
    )


async def test_blocks_that_are_not_a_list_are_a_format_error(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.api_call("chat.postMessage", json={"channel": "C0BLOCKS", "blocks": "nope"})
    assert err.value.response["error"] == "invalid_blocks_format"


@pytest.mark.parametrize(
    ("blocks", "pointer", "message"),
    [
        ([section("a", block_id="x"), section("b", block_id="x")], "/blocks/1/block_id", '`block_id` "x" already exists'),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "/blocks/0/fields", "no more than 10 items allowed"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}], "/blocks/0/fields/0/text", "must be less than 2001 characters"),
        ([{"type": "section"}], "/blocks/0", "must provide either text or fields"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}], "/blocks/0/elements", "no more than 10 items allowed"),
        ([{"type": "actions", "elements": [button(f"b{i}") for i in range(26)]}], "/blocks/0/elements", "no more than 25 items allowed"),
        ([{"type": "actions", "elements": [button("b", "t" * 76)]}], "/blocks/0/elements/0/text/text", "must be less than 76 characters"),
        ([{"type": "actions", "elements": [button("b", style="green")]}], "/blocks/0/elements/0/style", "must be one of: primary, danger"),
        ([{"type": "actions", "elements": [button("a" * 256)]}], "/blocks/0/elements/0/action_id", "must be less than 256 characters"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "/blocks/0/text/type", "must be one of: plain_text"),
        ([section("")], "/blocks/0/text/text", "must be more than 0 characters"),
        ([{"type": "input", "element": {"type": "plain_text_input", "action_id": "v"}}], "/blocks/0/label", "must provide an object"),
        ([{"type": "actions", "elements": [{"type": "teleporter", "action_id": "t"}]}], "/blocks/0/elements/0/type", "unsupported type: teleporter"),
        (
            [section("s", accessory={"type": "static_select", "action_id": "s", "options": [
                {"text": {"type": "plain_text", "text": "o"}, "value": "v" * 151}]})],
            "/blocks/0/accessory/options/0/value", "must be less than 151 characters",
        ),
        (
            [section("s", accessory={"type": "overflow", "action_id": "o", "options": [
                {"text": {"type": "plain_text", "text": "o"}, "value": str(i)} for i in range(6)]})],
            "/blocks/0/accessory/options", "no more than 5 items allowed",
        ),
    ],
)
def test_pure_checks_name_the_offending_path(blocks: list[Any], pointer: str, message: str) -> None:
    problems = check_message_blocks(blocks)
    assert [(p.pointer, p.message) for p in problems] == [(pointer, message)]


def test_valid_rich_message_passes() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly check-in"}},
        section("*Phase:* modelling", accessory=button("open")),
        {"type": "context", "elements": [{"type": "image", "image_url": "https://x/y.png", "alt_text": "y"},
                                         {"type": "plain_text", "text": "ctx"}]},
        {"type": "actions", "elements": [button("yes", style="primary"), button("no", style="danger")]},
        {"type": "input", "label": {"type": "plain_text", "text": "Notes"},
         "element": {"type": "plain_text_input", "action_id": "notes", "multiline": True}},
        {"type": "divider"},
    ]
    assert check_message_blocks(blocks) == []


def _modal(**overrides: Any) -> dict[str, Any]:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Crisp"}, "blocks": [section("hi")]}
    view.update(overrides)
    return view


def test_view_checks() -> None:
    assert check_view(_modal()) == []
    too_long = check_view(_modal(title={"type": "plain_text", "text": "t" * 25}))
    assert [str(p) for p in too_long] == ["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"]
    needs_submit = _modal(blocks=[{"type": "input", "label": {"type": "plain_text", "text": "L"},
                                   "element": {"type": "plain_text_input", "action_id": "a"}}])
    assert [p.pointer for p in check_view(needs_submit)] == ["/view/submit"]
    assert [p.pointer for p in check_view(_modal(blocks=[{"type": "divider"}] * 101))] == ["/view/blocks"]
    assert [p.pointer for p in check_view(_modal(callback_id="c" * 256))] == ["/view/callback_id"]
    assert [p.pointer for p in check_view({"type": "home", "blocks": []}, expected_type="modal")] == ["/view/type"]
    assert view_too_large(_modal(private_metadata="m" * 260_000))
    assert not view_too_large(_modal())
