"""Plays Slack's side of the HTTP boundary in tests: signed commands, button presses, submissions, events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.clock import Clock
from bot.console import slack_requests as slack
from bot.console.slack_requests import Person, Place


@dataclass
class Answer:
    status: int
    text: str
    headers: dict[str, str]

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.text) if self.text.strip() else {}


class SlackTestClient:
    def __init__(self, base_url: str, signing_secret: str, clock: Clock, team_id: str = slack.TEAM_ID):
        self.base_url = base_url
        self.signing_secret = signing_secret
        self.clock = clock
        self.team_id = team_id  # the workspace every request comes from
        self.http = aiohttp.ClientSession()

    async def post_raw(self, body: str, headers: dict[str, str], path: str = "/slack/events") -> Answer:
        async with self.http.post(self.base_url + path, data=body.encode(), headers=headers) as response:
            return Answer(response.status, await response.text(), dict(response.headers))

    async def post_signed(self, body: str, content_type: str, *, timestamp: int | None = None,
                          retry_num: int | None = None) -> Answer:
        stamp = int(self.clock.now().timestamp()) if timestamp is None else timestamp
        headers = slack.signed_headers(self.signing_secret, body, content_type=content_type, timestamp=stamp)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return await self.post_raw(body, headers)

    async def command(self, text: str, *, user: str = "U0ADMIN", channel: str = "C0CHURN",
                      trigger_id: str = "", command: str = "/crisp", retry_num: int | None = None) -> Answer:
        body, content_type = slack.slash_command(command, text, Person(user, user.lower()), Place(channel, channel.lower()),
                                                 trigger_id or slack.new_trigger_id(), team_id=self.team_id)
        return await self.post_signed(body, content_type, retry_num=retry_num)

    async def press(self, action_id: str, *, user: str = "U0ADMIN", channel: str = "C0CHURN", value: str | None = None,
                    block_id: str = "b", trigger_id: str = "", message: dict | None = None,
                    response_url: str | None = None, retry_num: int | None = None) -> Answer:
        action = {"action_id": action_id, "block_id": block_id, "type": "button",
                  "text": {"type": "plain_text", "text": action_id}}
        if value is not None:
            action["value"] = value
        payload = slack.block_action(Person(user, user.lower()), action, trigger_id or slack.new_trigger_id(),
                                     place=Place(channel, channel.lower()), message=message or {"ts": "1.000001"},
                                     ephemeral=response_url is not None, team_id=self.team_id)
        if response_url is not None:
            payload["response_url"] = response_url
        return await self.post_signed(*slack.interactive(payload), retry_num=retry_num)

    async def message_shortcut(self, callback_id: str, message: dict, *, user: str = "U0ADMIN",
                               channel: str = "C0CHURN", retry_num: int | None = None) -> Answer:
        payload = slack.message_action(Person(user, user.lower()), Place(channel, channel.lower()), message,
                                       callback_id, slack.new_trigger_id())
        return await self.post_signed(*slack.interactive(payload), retry_num=retry_num)

    async def submit(self, view: dict, values: dict, *, user: str = "U0ADMIN") -> Answer:
        payload = slack.view_submission(Person(user, user.lower()), view, values, slack.new_trigger_id(),
                                        team_id=self.team_id)
        return await self.post_signed(*slack.interactive(payload))

    async def event(self, event: dict, *, event_id: str | None = None, retry_num: int | None = None) -> Answer:
        body, content_type = slack.event(event, team_id=self.team_id)
        if event_id is not None:
            data = json.loads(body)
            data["event_id"] = event_id
            body = json.dumps(data)
        stamp = int(self.clock.now().timestamp())
        headers = slack.signed_headers(self.signing_secret, body, content_type=content_type, timestamp=stamp)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return await self.post_raw(body, headers)

    async def get(self, path: str) -> Answer:
        async with self.http.get(self.base_url + path) as response:
            return Answer(response.status, await response.text(), dict(response.headers))

    async def close(self) -> None:
        await self.http.close()
