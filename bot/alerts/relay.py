"""The relay: a stateless sweep that turns alert groups with unrendered changes into outbox rows.

A group's first message is a `chat.postMessage` under the key `alert:<group id>`; later changes are a
`chat.update` of that message (a newer pending edit supersedes an older one, and an edit waits while
the post is still pending) plus a short thread reply saying what changed since the last message.
Each pass claims dirty groups inside its own transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
SQLite's single writer otherwise), renders them, and clears their flag in the same commit, so two
processes never render one change twice and a crash mid-pass leaves the change to the next pass.

Storms (bot/alerts/storms.py): the relay's posts to a channel spend its alert budget; a new group that
finds it spent is rolled into the channel's storm summary instead of getting a message of its own, and
a thread reply that finds it spent waits (the message is edited at once all the same)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts.iteration import offers_iteration
from bot.alerts.storms import StormPass, receipt_metadata
from bot.crisp_dm import Role
from bot.retry_loop import FailureBackoff
from bot.services import Services
from bot.views import alerts as views
from storage.queries import alerts as alert_rows
from storage.queries import team
from storage.tables import AlertGroup

log = logging.getLogger("crisp.alerts")

BATCH = 50
IDLE_POLL_SECONDS = 5.0
MENTIONED_ROLES = (Role.ML_ENGINEER.value, Role.DATA_SCIENTIST.value)
FIRING, RESOLVED = "firing", "resolved"


def message_key(group: AlertGroup) -> str:
    return f"alert:{group.id}"


async def relay_once(services: Services, *, limit: int = BATCH) -> int:
    """Render one batch of changed groups; returns how many were rendered."""
    now = services.clock.now()
    with services.db.background():  # people waiting on an answer write first
        async with services.db.transaction() as session:
            bot_team = services.bot_team_id()
            if bot_team:
                await alert_rows.adopt_workspace(session, bot_team)
            await alert_rows.end_silences(session, now=now)
            groups = await alert_rows.claim_dirty(session, now=now, limit=limit)
            storms = StormPass()
            await storms.load(session, groups, now)
            for group in groups:
                await _relay_group(services, session, group, storms)
            await storms.render(services, session, now)
    return len(groups)


async def relay_all(services: Services) -> int:
    """Passes until nothing is left to render (tests, the console, and the periodic job)."""
    total = 0
    while True:
        done = await relay_once(services)
        total += done
        if done < BATCH:
            return total


async def mentions_for(session: AsyncSession, group: AlertGroup) -> list[str]:
    """Drift and performance alerts mention the project's ML engineers and data scientists."""
    if not group.kind or group.project_id is None:
        return []
    holders = await team.current_holders(session, group.project_id)
    return list(dict.fromkeys(user_id for role, user_id in holders if role in MENTIONED_ROLES))


async def _relay_group(services: Services, session: AsyncSession, group: AlertGroup, storms: StormPass) -> None:
    now = services.clock.now()
    alerts = await alert_rows.alerts_of(session, group.id)
    channel = storms.channel(group)
    received = group.dirty_since
    shown = 0
    if group.message_key is None:
        refired = group.relayed_status == RESOLVED and group.status == FIRING
        never_shown = group.storm_id is None
        if never_shown and not channel.storm_open(now) and channel.take(now):
            await _post_own(services, session, group, alerts, received)
        elif never_shown:
            await storms.roll_in(session, group, now)
        elif refired and not storms.is_open(group.storm_id, now) and channel.take(now):
            await _post_own(services, session, group, alerts, received)  # news again, after its storm
            await storms.changed(session, group)
        else:
            await storms.changed(session, group)
        shown = len(alerts) if never_shown else sum(1 for a in alerts if a.relayed_status != a.status)
    else:
        key = group.message_key
        mentions = await mentions_for(session, group)
        if group.rendered_revision != group.revision:
            body = views.group_message(group, alerts, now, mentions=mentions if group.status == FIRING else (),
                                       offer_iteration=await offers_iteration(session, group))
            if await services.outbox.update(session, group.team_id, key, {**body, **receipt_metadata(received)}) \
                    is None:
                log.warning("alert group %s: its message %s is gone; the change is not shown", group.id, key)
            group.rendered_revision = group.revision
        added = [a for a in alerts if a.relayed_status is None]
        resolved = [a for a in alerts if a.relayed_status == FIRING and a.status == RESOLVED]
        refired = [a for a in alerts if a.relayed_status == RESOLVED and a.status == FIRING]
        note = views.change_note(added=added, resolved=resolved, refired=refired, group=group, now=now,
                                 mentions=mentions if (refired or added) else ())
        if note is not None and not channel.take(now):
            # The channel is busy: the edit shows the change now; the reply waits for the budget and
            # then says everything that changed since the last one.
            group.dirty_since = channel.next_post_at(now)
            await session.flush()
            return
        if note is not None:
            await services.outbox.post(session, group.team_id, group.channel_id, note, thread_of=key)
            group.noted_at = now
        shown = len(added) + len(resolved) + len(refired)
    for alert in alerts:
        alert.relayed_status = alert.status
    group.relayed_status = group.status
    group.rendered_revision = group.revision
    group.dirty_since = None
    if shown:
        services.metrics.alerts_relayed.labels(source=group.source).inc(shown)
    await session.flush()


async def _post_own(services: Services, session: AsyncSession, group: AlertGroup, alerts, received) -> None:
    """The group's own message, under the key `alert:<group id>`."""
    now = services.clock.now()
    mentions = await mentions_for(session, group)
    key = message_key(group)
    body = views.group_message(group, alerts, now, mentions=mentions if group.status == FIRING else (),
                               offer_iteration=await offers_iteration(session, group))
    await services.outbox.post(session, group.team_id, group.channel_id, {**body, **receipt_metadata(received)},
                               key=key)
    group.message_key = key


class AlertRelay:
    """Runs `relay_once` whenever ingest stored a change (and every few seconds regardless, for silences
    that ran out and changes left by a process that died mid-pass)."""

    def __init__(self, services: Services, *, idle_poll_seconds: float = IDLE_POLL_SECONDS):
        self.services = services
        self.idle_poll_seconds = idle_poll_seconds
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run_forever(self) -> None:
        backoff = FailureBackoff(log, "alert relay pass")
        while not self._stopping:
            self._wake.clear()
            wait = self.idle_poll_seconds
            try:
                done = await relay_once(self.services)
                backoff.succeeded()
                if done >= BATCH:
                    continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the changes wait in the database for a later pass
                wait = backoff.failed(exc)
                self._wake.clear()  # after a failure, only time (or stop) ends the wait
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
            except TimeoutError:
                pass
