"""The external file upload flow and the Socket Mode round trip, with slack-sdk's own clients."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin import SlackStandIn


async def test_files_upload_v2_shares_into_the_channel(standin: SlackStandIn, client: AsyncWebClient) -> None:
    result = await client.files_upload_v2(
        channel="C0FILES", content=b"id,score\n1,0.9\n", filename="scores.csv", title="Scores",
        initial_comment="Latest scores",
    )
    [shown] = result["files"]
    stored = standin.files[shown["id"]]
    assert (stored["content"], stored["title"], stored["channel"]) == (b"id,score\n1,0.9\n", "Scores", "C0FILES")
    assert shown["name"] == "scores.csv" and shown["size"] == 15
    [message] = standin.messages("C0FILES")
    assert message["text"] == "Latest scores" and message["files"][0]["id"] == shown["id"]
    assert [c.method for c in standin.calls] == ["files.getUploadURLExternal", "files.completeUploadExternal"]


async def test_complete_without_upload_is_file_not_found(standin: SlackStandIn, client: AsyncWebClient) -> None:
    url = await client.files_getUploadURLExternal(filename="a.txt", length=3)
    with pytest.raises(SlackApiError) as err:
        await client.files_completeUploadExternal(files=[{"id": url["file_id"]}], channel_id="C0FILES")
    assert err.value.response["error"] == "file_not_found"
    with pytest.raises(SlackApiError) as missing:
        await client.files_getUploadURLExternal(filename="a.txt", length=0)
    assert missing.value.response["error"] == "invalid_arguments"


async def test_socket_mode_round_trip_with_slack_sdk(standin: SlackStandIn) -> None:
    web = AsyncWebClient(base_url=standin.base_url, retry_handlers=[])
    socket = SocketModeClient(app_token="xapp-1-test", web_client=web, ping_interval=30)
    received: list[SocketModeRequest] = []

    async def ack(client: SocketModeClient, req: SocketModeRequest) -> None:
        received.append(req)
        await client.send_socket_mode_response(
            SocketModeResponse(envelope_id=req.envelope_id, payload={"text": f"got {req.payload['command']}"})
        )

    socket.socket_mode_request_listeners.append(ack)
    await socket.connect()
    try:
        await standin.wait_socket_connected(timeout=2)
        reply = await standin.socket_send("slash_commands", {"command": "/crisp", "text": "status"}, timeout=2)
        assert reply["payload"] == {"text": "got /crisp"}
        assert reply["envelope_id"] == received[0].envelope_id
        assert received[0].type == "slash_commands" and received[0].accepts_response_payload is True
        assert standin.calls_to("apps.connections.open")[0].token == "xapp-1-test"
    finally:
        await socket.close()


async def test_socket_send_without_client_or_ack(standin: SlackStandIn) -> None:
    with pytest.raises(ConnectionError):
        await standin.socket_send("events_api", {"event": {"type": "app_mention"}})
    with pytest.raises(asyncio.TimeoutError):
        await standin.wait_socket_connected(timeout=0.05)
