"""Rotating tokens: refreshed before use when they expire within the window, by one process at a time,
and every process then uses the new token."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from bot.workspaces.installed import ROTATION_WINDOW_MINUTES
from bot.workspaces.tokens import TokenUnavailable
from tests.workspaces.oauth_helpers import install, oauth_runtime, oauth_slack, start_oauth_runtime  # noqa: F401

TEAM = "T0ALPHA"


def refreshes(standin) -> list:
    return [c for c in standin.calls_to("oauth.v2.access", include_failed=True)
            if c.args.get("grant_type") == "refresh_token"]


async def installed(runtime, standin, team: str = TEAM) -> str:
    standin.add_workspace(team, "Alpha")
    async with aiohttp.ClientSession() as http:
        answer = await install(http, f"http://127.0.0.1:{runtime.port}", standin, team)
    assert answer.status == 200
    return standin.installs.tokens_of(team)[0]


def into_the_window(clock) -> None:
    """Stand-in tokens live 12 h: move to 30 minutes inside the rotation window."""
    clock.advance(hours=12, minutes=-(ROTATION_WINDOW_MINUTES - 30))


async def test_a_token_far_from_expiry_is_used_as_stored(oauth_runtime, standin):
    token = await installed(oauth_runtime, standin)
    assert await oauth_runtime.installed_tokens.bot_token(TEAM) == token
    assert refreshes(standin) == []


async def test_a_token_in_the_window_is_refreshed_before_use_and_stored(oauth_runtime, standin, clock):
    old = await installed(oauth_runtime, standin)
    into_the_window(clock)

    token = await oauth_runtime.installed_tokens.bot_token(TEAM)

    assert token != old and token == standin.installs.tokens_of(TEAM)[-1]
    assert len(refreshes(standin)) == 1
    oauth_runtime.installed_tokens.drop_cached(None, TEAM)
    assert await oauth_runtime.installed_tokens.bot_token(TEAM) == token  # stored, and not refreshed again
    assert len(refreshes(standin)) == 1
    client = await oauth_runtime.slack.for_team(TEAM)
    assert (await client.auth_test())["team_id"] == TEAM


async def test_two_processes_refresh_once_and_both_use_the_new_token(database_url, standin, clock):
    """Two app instances on one database, each with its own pool and cache, both holding the old token
    when it enters the window. The refresh call is held at the stand-in so the second instance asks while
    the first is in the middle of it."""
    first = await start_oauth_runtime(database_url, standin, clock)
    second = await start_oauth_runtime(database_url, standin, clock)
    try:
        old = await installed(first, standin)
        assert await second.installed_tokens.bot_token(TEAM) == old  # cached by both
        into_the_window(clock)
        held = standin.hold("oauth.v2.access")

        first_asks = asyncio.create_task(first.slack.for_team(TEAM))
        await asyncio.wait_for(held.reached.wait(), 5)
        second_asks = asyncio.create_task(second.slack.for_team(TEAM))
        await asyncio.sleep(0.3)  # the second instance polls the lease meanwhile (real time: another process)
        assert not second_asks.done()
        held.release()
        clients = await asyncio.gather(first_asks, second_asks)

        new = standin.installs.tokens_of(TEAM)[-1]
        assert new != old and len(refreshes(standin)) == 1
        for client in clients:
            await client.chat_postMessage(channel="C0CHURN", text="hello")
        posts = standin.calls_to("chat.postMessage")
        assert [(post.token, post.team) for post in posts] == [(new, TEAM), (new, TEAM)]
    finally:
        await second.stop()
        await first.stop()


async def test_a_refused_refresh_keeps_the_valid_token_and_frees_the_lease(oauth_runtime, standin, clock):
    old = await installed(oauth_runtime, standin)
    into_the_window(clock)
    standin.fail("oauth.v2.access", status=200, error="invalid_refresh_token")

    assert await oauth_runtime.installed_tokens.bot_token(TEAM) == old  # still valid for 30 minutes
    token = await oauth_runtime.installed_tokens.bot_token(TEAM)  # tried again: the lease was given back
    assert token != old and len(refreshes(standin)) == 2


async def test_an_expired_token_that_cannot_be_refreshed_is_not_used(oauth_runtime, standin, clock):
    await installed(oauth_runtime, standin)
    clock.advance(hours=13)
    standin.fail("oauth.v2.access", status=500)
    with pytest.raises(TokenUnavailable):  # installed, so its calls wait rather than park
        await oauth_runtime.installed_tokens.bot_token(TEAM)


async def test_the_ack_path_refreshes_beside_the_request(oauth_runtime, oauth_slack, standin, clock):
    """A command from a workspace whose token is in the window is answered at once with the still-valid
    token; the refresh runs beside it."""
    from tests.workspaces.oauth_helpers import command_from

    old = await installed(oauth_runtime, standin)
    into_the_window(clock)
    held = standin.hold("oauth.v2.access")

    answer = await command_from(oauth_slack, TEAM, "project list")

    assert answer.status == 200 and "No active projects" in answer.json["text"]
    await asyncio.wait_for(held.reached.wait(), 5)  # the refresh started beside the request
    held.release()
    await asyncio.gather(*oauth_runtime.installed_tokens._refreshing.values())
    assert await oauth_runtime.installed_tokens.bot_token(TEAM) not in (None, old)
    assert len(refreshes(standin)) == 1


async def test_an_expired_token_whose_refresh_fails_still_answers_commands_from_the_database(
        oauth_runtime, oauth_slack, standin, clock):
    """Slack refusing the refresh for a while must not turn the workspace's commands into errors, nor make
    the ack path wait for Slack."""
    from tests.workspaces.oauth_helpers import command_from

    await installed(oauth_runtime, standin)
    clock.advance(hours=13)  # past the token's expiry
    standin.fail("oauth.v2.access", status=500, times=50)
    before = len(standin.calls)

    answer = await command_from(oauth_slack, TEAM, "project list")

    assert answer.status == 200 and "No active projects" in answer.json["text"]
    assert not [c for c in standin.calls[before:] if c.method in ("chat.postMessage", "auth.test")]
    await asyncio.gather(*oauth_runtime.installed_tokens._refreshing.values(), return_exceptions=True)


async def test_messages_of_a_workspace_whose_refresh_fails_wait_and_go_out_once_slack_refreshes(
        oauth_runtime, standin, clock):
    from sqlalchemy import select

    from storage.tables import OutboxMessage, OutboxStatus

    await installed(oauth_runtime, standin)
    clock.advance(hours=13)
    standin.fail("oauth.v2.access", status=500, times=3)
    async with oauth_runtime.db.transaction() as session:
        await oauth_runtime.outbox.post(session, TEAM, "C0ALPHA", {"text": "model retrained"})
    await oauth_runtime.worker.run_once()
    async with oauth_runtime.db.read() as session:
        [row] = (await session.execute(select(OutboxMessage))).scalars().all()
    assert row.status == OutboxStatus.PENDING and "expired" in row.last_error  # waiting, not parked
    await oauth_runtime.worker.drain(advance=clock.advance)
    assert [m["text"] for m in standin.messages("C0ALPHA")] == ["model retrained"]


class FlakyStore:
    """The database refusing the refreshed token's write `failures` times (busy, unreachable), then taking it."""

    def __init__(self, monkeypatch, failures: int):
        from sqlalchemy.exc import OperationalError

        from storage.queries import slack_installs

        self.left = failures
        real = slack_installs.store_refreshed_token

        async def store(*args, **kwargs):
            if self.left > 0:
                self.left -= 1
                raise OperationalError("UPDATE slack_bots", {}, Exception("database is locked"))
            return await real(*args, **kwargs)

        monkeypatch.setattr(slack_installs, "store_refreshed_token", store)


def quick_retries(runtime) -> None:
    runtime.installed_tokens.store_retry = (0.0, 0.0, 0.0)
    runtime.installed_tokens.store_again = 0.01


async def stored_token(runtime) -> str:
    runtime.installed_tokens._cache.clear()
    bot = await runtime.installed_tokens.installed(TEAM)
    return bot.token


async def test_a_refreshed_token_the_database_refuses_once_is_stored_by_the_retry(oauth_runtime, standin, clock,
                                                                                  monkeypatch):
    old = await installed(oauth_runtime, standin)
    quick_retries(oauth_runtime)
    FlakyStore(monkeypatch, failures=1)
    into_the_window(clock)

    token = await oauth_runtime.installed_tokens.bot_token(TEAM)

    assert token != old and len(refreshes(standin)) == 1
    oauth_runtime.installed_tokens.drop_cached(None, TEAM)
    assert await stored_token(oauth_runtime) == token


async def test_a_refreshed_token_the_database_keeps_refusing_is_used_from_memory_and_stored_later(
        oauth_runtime, standin, clock, monkeypatch, caplog):
    old = await installed(oauth_runtime, standin)
    quick_retries(oauth_runtime)
    flaky = FlakyStore(monkeypatch, failures=6)
    into_the_window(clock)

    token = await oauth_runtime.installed_tokens.bot_token(TEAM)

    assert token != old and len(refreshes(standin)) == 1  # Slack's only copy: not lost, not refreshed again
    assert any(r.levelname == "CRITICAL" and TEAM in r.getMessage() for r in caplog.records)
    assert await oauth_runtime.installed_tokens.bot_token(TEAM) == token
    client = await oauth_runtime.slack.for_team(TEAM)
    assert (await client.auth_test())["team_id"] == TEAM  # the old refresh token is spent; the new one works
    for _ in range(500):  # the background store, every 10 ms, until the database takes it
        if flaky.left == 0 and not oauth_runtime.installed_tokens._unstored:
            break
        await asyncio.sleep(0.01)
    assert await stored_token(oauth_runtime) == token
    assert len(refreshes(standin)) == 1


async def test_an_uninstall_drops_a_refreshed_token_still_waiting_to_be_stored(oauth_runtime, standin, clock,
                                                                               monkeypatch):
    await installed(oauth_runtime, standin)
    quick_retries(oauth_runtime)
    FlakyStore(monkeypatch, failures=10_000)
    into_the_window(clock)
    assert await oauth_runtime.installed_tokens.bot_token(TEAM) is not None
    await oauth_runtime.installed_tokens.forget(TEAM)
    assert await oauth_runtime.installed_tokens.bot_token(TEAM) is None
    assert oauth_runtime.installed_tokens._storing == {}


async def test_a_workspace_installed_again_elsewhere_is_resumed_without_refreshing_on_the_request(
        oauth_runtime, oauth_slack, standin, clock):
    """The gate finds the new installation in the store as stored: a token due for a refresh is refreshed
    beside the request, never before its answer."""
    from sqlalchemy import update

    from storage.tables import Workspace, WorkspaceState
    from tests.workspaces.oauth_helpers import command_from

    await installed(oauth_runtime, standin)
    async with oauth_runtime.db.transaction() as session:  # this process still thinks it uninstalled
        await session.execute(update(Workspace).where(Workspace.team_id == TEAM)
                              .values(state=WorkspaceState.UNINSTALLED))
    oauth_runtime.workspace_states.forget()
    into_the_window(clock)
    held = standin.hold("oauth.v2.access")

    answer = await asyncio.wait_for(command_from(oauth_slack, TEAM, "project list"), 5)

    assert answer.status == 200 and "No active projects" in answer.json["text"]
    assert not await oauth_runtime.workspace_states.is_uninstalled(TEAM)
    held.release()
    await asyncio.gather(*oauth_runtime.installed_tokens._refreshing.values(), return_exceptions=True)
