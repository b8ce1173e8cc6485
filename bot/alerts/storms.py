"""Storm coalescing: each channel has an alert budget, and the groups beyond it are rolled into one summary.

Budget: the relay's own posts to a channel (a group's first message, a thread reply saying what changed)
are paced per channel like Slack paces `chat.postMessage` (GCRA, `pacing.after_call`), but slower: one
every BUDGET_INTERVAL, bursts of BUDGET_BURST. So alerts leave the channel's lane room for its other
messages, and its queue never grows past what Slack takes in a few seconds.

Storm: a new group that finds the budget spent is rolled into the channel's storm, one summary message
("⚠ 37 alert groups firing in #ch": counts by severity, the top few), whose thread lists every group of
the storm, PAGE_SIZE a reply. The summary and each page are edited in place as groups are added, change
or resolve; the outbox keeps one pending `chat.update` per message (a newer edit supersedes the queued
one), so however fast the groups change, a storm costs one post per page and a bounded stream of edits,
which the worker paces to chat.update's Tier 3. While a storm is open (a group rolled in during the last
STORM_QUIET), every new group of the channel joins it, so the list stays in one place.

After the storm: a group rolled into it stays there (its line keeps showing its state, resolved in green)
with one exception: a group that fires again after the storm is over, when the budget allows, gets a
message of its own (its line then points there), since it is news again. New groups get their own
messages again once the budget has recovered.

Thread replies of a group with its own message are coalesced by the same budget: when it is spent, the
message is still edited at once, and the reply waits (the group stays due at the moment the budget
allows one), then says everything that changed since the last reply."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox import pacing
from bot.services import Services
from bot.views import alert_storms as views
from storage.queries import alert_storms as storm_rows
from storage.queries import team
from storage.tables import AlertGroup, AlertStorm, OutboxThrottle

BUDGET_INTERVAL = timedelta(seconds=2)
BUDGET_BURST = 5
BUDGET_TOLERANCE = BUDGET_INTERVAL * (BUDGET_BURST - 1)
STORM_QUIET = timedelta(seconds=30)
PAGE_SIZE = views.PAGE_SIZE
ALERT_EVENT = "crisp_alert"
MENTIONED_ROLES = ("ml-engineer", "data-scientist")  # as bot.alerts.relay mentions them on a group's message


def receipt_metadata(received: datetime | None) -> dict:
    """Message metadata carrying when the change shown was received (the worker observes receipt to Slack)."""
    if received is None:
        return {}
    return {"metadata": {"event_type": ALERT_EVENT, "event_payload": {"received": received.timestamp()}}}


@dataclass
class Channel:
    team_id: str
    channel_id: str
    budget: OutboxThrottle
    storm: AlertStorm | None  # the channel's latest storm, open or over

    def storm_open(self, now: datetime) -> bool:
        return self.storm is not None and now - self.storm.last_added_at < STORM_QUIET

    def take(self, now: datetime) -> bool:
        """Spend one post of the budget; False (nothing spent) when it is used up."""
        if self.budget.tat - now > BUDGET_TOLERANCE:
            return False
        pace = pacing.after_call(pacing.Pace(self.budget.tat, self.budget.ready_at), now,
                                 interval=BUDGET_INTERVAL, burst=BUDGET_BURST)
        self.budget.tat, self.budget.ready_at = pace.tat, pace.ready_at
        return True

    def next_post_at(self, now: datetime) -> datetime:
        return max(now, self.budget.tat - BUDGET_TOLERANCE)


@dataclass
class StormPass:
    """What one relay pass knows of channels and storms, and which storm pages it changed."""

    channels: dict[tuple[str, str], Channel] = field(default_factory=dict)
    storms: dict[int, AlertStorm] = field(default_factory=dict)
    new: set[int] = field(default_factory=set)
    touched: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    received: dict[int, datetime] = field(default_factory=dict)

    async def load(self, session: AsyncSession, groups: list[AlertGroup], now: datetime) -> None:
        """Lock the budget of every channel the groups go to, in a fixed order (no deadlocks between relays)."""
        for team_id, channel_id in sorted({(g.team_id, g.channel_id) for g in groups}):
            budget = await storm_rows.lock_budget(session, team_id, channel_id, now)
            storm = await storm_rows.latest_storm(session, team_id, channel_id)
            if storm is not None:
                self.storms[storm.id] = storm
            self.channels[(team_id, channel_id)] = Channel(team_id, channel_id, budget, storm)

    def channel(self, group: AlertGroup) -> Channel:
        return self.channels[(group.team_id, group.channel_id)]

    async def roll_in(self, session: AsyncSession, group: AlertGroup, now: datetime) -> None:
        channel = self.channel(group)
        if not channel.storm_open(now):
            channel.storm = await storm_rows.add_storm(session, channel.team_id, channel.channel_id, now)
            self.storms[channel.storm.id] = channel.storm
            self.new.add(channel.storm.id)
        storm = channel.storm
        group.storm_id, group.storm_slot = storm.id, storm.size
        storm.size += 1
        storm.last_added_at = now
        self._touch(storm, group)

    async def changed(self, session: AsyncSession, group: AlertGroup) -> None:
        """A rolled-in group changed: its line (and the summary) are edited."""
        storm = self.storms.get(group.storm_id)
        if storm is None:
            storm = await storm_rows.get_storm(session, group.storm_id)
            self.storms[storm.id] = storm
        self._touch(storm, group)

    def is_open(self, storm_id: int, now: datetime) -> bool:
        storm = self.storms.get(storm_id)
        return storm is not None and any(c.storm is storm and c.storm_open(now) for c in self.channels.values())

    def _touch(self, storm: AlertStorm, group: AlertGroup) -> None:
        self.touched[storm.id].add((group.storm_slot or 0) // PAGE_SIZE)
        if group.dirty_since is not None:
            seen = self.received.get(storm.id)
            self.received[storm.id] = min(seen, group.dirty_since) if seen else group.dirty_since

    async def render(self, services: Services, session: AsyncSession, now: datetime) -> None:
        """Post or edit each changed storm's summary and its thread pages. New posts go first (a channel's
        calls go out in order), so a group reaches Slack before edits that merely refresh counts."""
        for storm_id, pages in self.touched.items():
            storm = self.storms[storm_id]
            groups = await storm_rows.groups_of(session, storm_id)
            extra = receipt_metadata(self.received.get(storm_id))
            summary = {**views.summary(storm, groups, now, mentions=await _mentions(session, groups)), **extra}
            if storm_id in self.new:
                await services.outbox.post(session, storm.team_id, storm.channel_id, summary, key=storm.message_key)
            count = -(-len(groups) // PAGE_SIZE)
            for number in range(storm.pages_posted, count):
                await services.outbox.post(session, storm.team_id, storm.channel_id,
                                           {**self._page(storm, number, groups, now), **extra},
                                           key=f"{storm.message_key}:p{number}", thread_of=storm.message_key)
            for number in sorted(pages):
                if number < storm.pages_posted:
                    await services.outbox.update(session, storm.team_id, f"{storm.message_key}:p{number}",
                                                 {**self._page(storm, number, groups, now), **extra})
            if storm_id not in self.new:
                await services.outbox.update(session, storm.team_id, storm.message_key, summary)
            storm.pages_posted = max(storm.pages_posted, count)
        await session.flush()

    @staticmethod
    def _page(storm: AlertStorm, number: int, groups: list[AlertGroup], now: datetime) -> dict:
        return views.page(storm, number, groups[number * PAGE_SIZE:(number + 1) * PAGE_SIZE], now)


async def _mentions(session: AsyncSession, groups: list[AlertGroup]) -> list[str]:
    """ML engineers and data scientists of the projects whose drift or performance groups are firing here."""
    users: list[str] = []
    for project_id in dict.fromkeys(g.project_id for g in groups
                                    if g.kind and g.status == "firing" and g.project_id is not None):
        users += [u for role, u in await team.current_holders(session, project_id) if role in MENTIONED_ROLES]
    return list(dict.fromkeys(users))
