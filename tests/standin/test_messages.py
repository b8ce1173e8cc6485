"""Messages, conversations and identity, driven through the real slack-sdk client."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import FakeClock
from bot.slack_standin import SlackStandIn


async def test_post_update_history_round_trip_keeps_metadata(standin: SlackStandIn, client: AsyncWebClient) -> None:
    metadata = {"event_type": "crisp_phase", "event_payload": {"project": 7, "phase": "data_understanding"}}
    posted = await client.chat_postMessage(channel="C0PROJ", text="Kick-off", metadata=metadata)
    assert posted["channel"] == "C0PROJ"
    assert posted["message"]["metadata"] == metadata
    assert posted["message"]["user"] == "U0CRISPBOT"

    section = {"type": "section", "text": {"type": "mrkdwn", "text": "*Phase 2*"}}
    updated = await client.chat_update(channel="C0PROJ", ts=posted["ts"], text="Phase 2", blocks=[section])
    assert updated["ts"] == posted["ts"]
    assert updated["text"] == "Phase 2"

    history = await client.conversations_history(channel="C0PROJ", include_all_metadata=True)
    [message] = history["messages"]
    assert (message["ts"], message["text"], message["blocks"]) == (posted["ts"], "Phase 2", [section])
    assert message["metadata"] == metadata

    plain = await client.conversations_history(channel="C0PROJ")
    assert "metadata" not in plain["messages"][0]

    [stored] = standin.messages("C0PROJ")
    assert stored["text"] == "Phase 2" and stored["channel"] == "C0PROJ" and stored["bot_id"] == "B0CRISPBOT"
    assert stored["edited"]["user"] == "U0CRISPBOT"


async def test_ts_strictly_increases_within_one_instant(standin: SlackStandIn, client: AsyncWebClient) -> None:
    first = await client.chat_postMessage(channel="C0PROJ", text="one")
    second = await client.chat_postMessage(channel="C0PROJ", text="two")
    assert first["ts"] == "1764190000.000000"
    assert float(second["ts"]) > float(first["ts"])
    assert [m["text"] for m in standin.messages("C0PROJ")] == ["one", "two"]


async def test_posting_to_a_user_id_lands_in_the_dm(standin: SlackStandIn, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="U0ALICE", text="Hi Alice")
    dm = standin.dm_channel_for("U0ALICE")
    assert dm.startswith("D") and posted["channel"] == dm
    opened = await client.conversations_open(users="U0ALICE")
    assert opened["channel"]["id"] == dm
    assert [m["text"] for m in standin.messages(dm)] == ["Hi Alice"]


async def test_unknown_user_dm_is_refused(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as posted:
        await client.chat_postMessage(channel="U0NOBODY", text="hello?")
    assert posted.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as opened:
        await client.conversations_open(users="U0NOBODY")
    assert opened.value.response["error"] == "user_not_found"


async def test_channel_membership_rules(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.add_channel("C0OUTSIDE", "outside", bot_is_member=False)
    standin.add_channel("G0SECRET", "secret", is_private=True, bot_is_member=False)
    with pytest.raises(SlackApiError) as public:
        await client.chat_postMessage(channel="C0OUTSIDE", text="x")
    assert public.value.response["error"] == "not_in_channel"
    with pytest.raises(SlackApiError) as private:
        await client.chat_postMessage(channel="G0SECRET", text="x")
    assert private.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as missing:
        await client.chat_postMessage(channel="nonsense", text="x")
    assert missing.value.response["error"] == "channel_not_found"

    joined = await client.conversations_join(channel="C0OUTSIDE")
    assert joined["channel"]["is_member"] is True
    await client.chat_postMessage(channel="#outside", text="now inside")
    assert standin.messages("C0OUTSIDE")[0]["text"] == "now inside"
    with pytest.raises(SlackApiError) as join_private:
        await client.conversations_join(channel="G0SECRET")
    assert join_private.value.response["error"] == "method_not_supported_for_channel_type"


async def test_conversations_info(standin: SlackStandIn, client: AsyncWebClient) -> None:
    standin.add_channel("C0GENERAL", "general")
    info = await client.conversations_info(channel="C0GENERAL")
    assert info["channel"]["name"] == "general" and info["channel"]["is_member"] is True
    dm = await client.conversations_info(channel=standin.dm_channel_for("U0ALICE"))
    assert dm["channel"]["is_im"] is True and dm["channel"]["user"] == "U0ALICE"
    with pytest.raises(SlackApiError) as missing:
        await client.conversations_info(channel="C0NEVERSEEN")
    assert missing.value.response["error"] == "channel_not_found"


async def test_no_text_and_unknown_message(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as empty, pytest.warns(UserWarning, match="text"):
        await client.chat_postMessage(channel="C0PROJ", text="")
    assert empty.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as missing:
        await client.chat_update(channel="C0PROJ", ts="1.000001", text="x")
    assert missing.value.response["error"] == "message_not_found"


async def test_message_text_over_40000_chars_is_refused(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C0PROJ", text="x" * 40_001)
    assert err.value.response["error"] == "msg_too_long"


async def test_history_pages_newest_first_with_exclusive_bounds(
    standin: SlackStandIn, client: AsyncWebClient, clock: FakeClock
) -> None:
    stamps = []
    for n in range(5):
        clock.advance(1)
        stamps.append((await client.chat_postMessage(channel="C0PROJ", text=f"m{n}"))["ts"])
    page1 = await client.conversations_history(channel="C0PROJ", limit=2)
    assert [m["text"] for m in page1["messages"]] == ["m4", "m3"] and page1["has_more"] is True
    page2 = await client.conversations_history(
        channel="C0PROJ", limit=2, cursor=page1["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in page2["messages"]] == ["m2", "m1"]

    window = await client.conversations_history(channel="C0PROJ", oldest=stamps[1], latest=stamps[3])
    assert [m["text"] for m in window["messages"]] == ["m2"] and window["has_more"] is False
    inclusive = await client.conversations_history(channel="C0PROJ", oldest=stamps[1], latest=stamps[3], inclusive=True)
    assert [m["text"] for m in inclusive["messages"]] == ["m3", "m2", "m1"]
    with pytest.raises(SlackApiError) as bad:
        await client.conversations_history(channel="C0PROJ", cursor="not-a-cursor")
    assert bad.value.response["error"] == "invalid_cursor"


async def test_thread_replies_stay_out_of_history(standin: SlackStandIn, client: AsyncWebClient) -> None:
    parent = await client.chat_postMessage(channel="C0PROJ", text="parent")
    reply = await client.chat_postMessage(channel="C0PROJ", text="reply", thread_ts=parent["ts"])
    assert reply["message"]["thread_ts"] == parent["ts"]
    history = await client.conversations_history(channel="C0PROJ")
    assert [m["text"] for m in history["messages"]] == ["parent"]
    assert history["messages"][0]["reply_count"] == 1
    assert [m.get("thread_ts") for m in standin.messages("C0PROJ")] == [parent["ts"], parent["ts"]]
    link = await client.chat_getPermalink(channel="C0PROJ", message_ts=reply["ts"])
    assert link["permalink"].startswith(
        f"https://crisp-test.slack.com/archives/C0PROJ/p{reply['ts'].replace('.', '')}?thread_ts="
    )


async def test_ephemeral_messages_are_kept_per_user(standin: SlackStandIn, client: AsyncWebClient) -> None:
    sent = await client.chat_postEphemeral(channel="C0PROJ", user="U0ALICE", text="only you")
    assert sent["message_ts"]
    assert [m["text"] for m in standin.ephemerals("C0PROJ", "U0ALICE")] == ["only you"]
    assert standin.messages("C0PROJ") == []


async def test_auth_test_and_users_info(client: AsyncWebClient) -> None:
    me = await client.auth_test()
    assert (me["user_id"], me["bot_id"], me["team_id"], me["user"]) == ("U0CRISPBOT", "B0CRISPBOT", "T0CRISP", "crisp")
    alice = (await client.users_info(user="U0ALICE"))["user"]
    assert alice["real_name"] == "Alice Liddell" and alice["tz"] == "Europe/Berlin"
    assert alice["tz_offset"] == 3600 and alice["profile"]["display_name"] == "alice"
    with pytest.raises(SlackApiError) as missing:
        await client.users_info(user="U0NOBODY")
    assert missing.value.response["error"] == "user_not_found"


async def test_an_archived_channel_refuses_posts_but_can_be_read(standin: SlackStandIn,
                                                               client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel="C0OLD", text="before")
    standin.archive_channel("C0OLD")
    for call in (client.chat_postMessage(channel="C0OLD", text="after"), client.conversations_join(channel="C0OLD")):
        with pytest.raises(SlackApiError) as refused:
            await call
        assert refused.value.response["error"] == "is_archived"
    assert (await client.conversations_info(channel="C0OLD"))["channel"]["is_archived"] is True
    history = await client.conversations_history(channel="C0OLD")
    assert [m["text"] for m in history["messages"]] == ["before"]


async def test_thread_replies_in_a_window_start_with_the_parent(client: AsyncWebClient, clock: FakeClock) -> None:
    parent = await client.chat_postMessage(channel="C0PROJ", text="parent")
    stamps = []
    for n in range(4):
        clock.advance(1)
        stamps.append((await client.chat_postMessage(channel="C0PROJ", text=f"r{n}", thread_ts=parent["ts"]))["ts"])
    window = await client.conversations_replies(channel="C0PROJ", ts=parent["ts"], oldest=stamps[0],
                                                latest=stamps[3])
    assert [m["text"] for m in window["messages"]] == ["parent", "r1", "r2"]
    page1 = await client.conversations_replies(channel="C0PROJ", ts=parent["ts"], limit=3)
    assert [m["text"] for m in page1["messages"]] == ["parent", "r0", "r1"] and page1["has_more"] is True
    page2 = await client.conversations_replies(channel="C0PROJ", ts=parent["ts"], limit=3,
                                               cursor=page1["response_metadata"]["next_cursor"])
    assert [m["text"] for m in page2["messages"]] == ["r2", "r3"] and page2["has_more"] is False
