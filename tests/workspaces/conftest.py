"""Two workspaces served by one running app: signed requests from each, and a token source that knows a
bot token per workspace.

`TokensByTeam` plays the part of the OAuth installation store's token source (bot/workspaces/tokens.py
`InstalledTokens`, built on another branch): a bot token per installed workspace, and `forget` deleting a
workspace's tokens as an uninstall does. Everything else is the real app: signed HTTP, Bolt, the outbox
worker, the stand-in (which records the token of every call) and a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.workspaces import service as workspaces
from tests.conftest import SIGNING_SECRET
from tests.slack_client import SlackTestClient

TEAM_A, TEAM_B = "T0AAAAAA", "T0BBBBBB"
TOKEN_A, TOKEN_B = "xoxb-team-a-0001", "xoxb-team-b-0001"
CHANNEL_A, CHANNEL_B = "C0ACHAN", "C0BCHAN"


class TokensByTeam:
    def __init__(self, tokens: dict[str, str]):
        self.tokens = dict(tokens)
        self.forgotten: list[str] = []

    async def bot_token(self, team_id: str, enterprise_id: str | None = None) -> str | None:
        return self.tokens.get(team_id)

    async def forget(self, team_id: str, enterprise_id: str | None = None) -> None:
        self.tokens.pop(team_id, None)
        self.forgotten.append(team_id)


@dataclass
class TwoWorkspaces:
    a: SlackTestClient
    b: SlackTestClient
    tokens: TokensByTeam


@pytest.fixture
async def two(runtime, clock) -> AsyncIterator[TwoWorkspaces]:
    """The running app switched to serving many workspaces, with A and B installed."""
    tokens = TokensByTeam({TEAM_A: TOKEN_A, TEAM_B: TOKEN_B})
    runtime.services.multi_workspace = True
    runtime.services.tokens = tokens
    runtime.slack.tokens = tokens
    for team in (TEAM_A, TEAM_B):
        await workspaces.installed(runtime.services, team)
    base = f"http://127.0.0.1:{runtime.port}"
    pair = TwoWorkspaces(SlackTestClient(base, SIGNING_SECRET, clock, team_id=TEAM_A),
                         SlackTestClient(base, SIGNING_SECRET, clock, team_id=TEAM_B), tokens)
    yield pair
    await pair.a.close()
    await pair.b.close()


def posts_to(standin, channel: str) -> list:
    return [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == channel]
