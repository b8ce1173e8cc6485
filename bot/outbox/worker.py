"""Sends outbox rows: claims due rows under a lease, makes each call, settles the row.

Guarantees (see tests/outbox): rows of one lane go out in order and one at a time, across
processes; each lane keeps Slack's pace; a 429 pauses the method that drew it; transient failures are
retried with backoff; a post is never made twice, even when a worker died or stalled mid-call.

Fencing: every claim gives the row a new token. While a row is in flight its worker renews the lease
(a heartbeat per batch), and immediately before each Slack call it checks in the database that it
still holds the row under its token with enough lease left for that call's worst case (the client
timeout), renewing first if needed. A worker that lost the row makes no further call for it and
cannot settle it. Because the lease outlasts any call a holder has started, nobody takes a row over
while its holder's call may still be reaching Slack; whoever takes it over looks for the post first.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.metrics import Metrics
from bot.outbox import delivery, lookup, notices, pacing, uploads
from bot.outbox.delivery import Delivered, GiveUp, NotInChannel, Outcome, Parked, RetryLater
from bot.retry_loop import FailureBackoff
from bot.slack_clients import OUTBOX_TIMEOUT_SECONDS
from bot.views.delivery import ADVICE, error_code
from bot.workspaces.tokens import TokenUnavailable
from storage.db import Database
from storage.queries import outbox as outbox_rows
from storage.queries import slack_messages
from storage.tables import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

ALERT_EVENT = "crisp_alert"  # bot.alerts.storms.ALERT_EVENT (the outbox does not import features)
PACED_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete", "views.publish",
                 uploads.UPLOAD}
POST = "chat.postMessage"
# Methods Slack limits per workspace (its tiers), paced here across every worker: chat.update is Tier 3,
# about 50 a minute. A call takes its turn right before it is made (one batch may hold several).
WORKSPACE_PACE = {"chat.update": (timedelta(seconds=1.2), 3)}
MAX_BACKOFF_SECONDS = 300
GIVE_UP_AFTER = timedelta(hours=6)
# A workspace whose token expired and was not refreshed yet: its rows ask again this much later.
TOKEN_RETRY_SECONDS = 60.0
# Before a call, the lease must run at least this many call timeouts longer: the call's own worst
# case, and as much again for the moments before the request leaves and for clocks a little apart.
CALL_BUDGET_TIMEOUTS = 2
# The conversation is gone or hidden from the bot (deleted, private without it, never existed): nothing
# of ours can be seen there, and a post would be refused the same way, so the post goes ahead and its
# own refusal settles the row (failed, and the requester told). The one case this lets through: the
# bot re-invited between the lookup and the post, after an earlier attempt had landed; that takes a
# removal and a re-invite within the same moment.
LOOKUP_NOTHING_THERE = frozenset({"channel_not_found"})
OPEN_NOTHING_THERE = frozenset({"user_not_found", "user_disabled", "channel_not_found"})
# The thread's parent is gone: a reply cannot be checked, and one posted would hang off nothing.
LOOKUP_REFUSALS_FOR_GOOD = frozenset({"thread_not_found"})


# A pseudo-method whose work the worker does itself (e.g. building a document, then queueing its upload):
# given the claimed row, it returns the outcome the row is settled with. Features register them at start
# (bot/runtime.py), so the outbox imports no feature. Such work must be safe to run again: a worker that
# dies before settling leaves the row to be taken over.
OwnMethod = Callable[[OutboxMessage], Awaitable["Outcome"]]


def backoff_seconds(attempts: int) -> float:
    base = min(MAX_BACKOFF_SECONDS, 2 ** max(0, attempts - 1))
    return base * random.uniform(0.8, 1.2)


class LeaseLost(Exception):
    """Another worker took the row over: make no further call for it, settle nothing."""


@dataclass
class Flight:
    """One claimed row while this worker works on it."""

    row: OutboxMessage
    client: AsyncWebClient | None
    post_started_at: datetime | None = None  # when this worker's latest post attempt for it began

    @property
    def fence(self) -> int:
        return self.row.fence


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        # The client for a row's workspace at send time (bot/slack_clients.py); None: it has no token.
        client_for_team: Callable[[str], Awaitable[AsyncWebClient | None]],
        clock: Clock,
        metrics: Metrics,
        *,
        lease_seconds: float = 60.0,
        call_timeout: float = OUTBOX_TIMEOUT_SECONDS,
        late_apply_seconds: float = 90.0,
        heartbeat_seconds: float | None = None,
        batch_size: int = 25,
        idle_poll_seconds: float = 0.5,
        owner: str | None = None,
        own_methods: Mapping[str, OwnMethod] | None = None,
    ):
        self.db = db
        self.own_methods = dict(own_methods or {})
        self.client_for_team = client_for_team
        self.clock = clock
        self.metrics = metrics
        self.lease = timedelta(seconds=lease_seconds)
        self.call_timeout = call_timeout
        self.call_budget = timedelta(seconds=call_timeout * CALL_BUDGET_TIMEOUTS)
        # How long after an unanswered post began Slack may still apply it.
        self.post_settles_after = timedelta(seconds=call_timeout + late_apply_seconds)
        # Real seconds between renewals of the rows in flight: several per lease.
        self.heartbeat_seconds = heartbeat_seconds if heartbeat_seconds is not None else lease_seconds / 4
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    # -- the loop ------------------------------------------------------------

    async def run_forever(self) -> None:
        log.info("outbox worker started owner=%s", self.owner)
        backoff = FailureBackoff(log, "outbox worker pass")
        while not self._stopping:
            self._wake.clear()  # before the pass: a wake-up (or stop) during it is not lost
            try:
                handled = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the rows wait in the database for a later pass
                await self._pause(backoff.failed(exc))
                continue
            backoff.succeeded()
            if handled:
                continue
            try:
                due_in = await self.seconds_until_due()
            except Exception:
                due_in = None
            timeout = self.idle_poll_seconds if due_in is None else min(self.idle_poll_seconds, max(due_in, 0.01))
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=timeout)
            except TimeoutError:
                pass

    async def _pause(self, seconds: float) -> None:
        """Wait before the next pass after a failed one; stopping ends the wait."""
        try:
            await asyncio.wait_for(self._stopped.wait(), timeout=seconds)
        except TimeoutError:
            pass

    def stop(self) -> None:
        self._stopping = True
        self._stopped.set()
        self._wake.set()

    async def run_once(self) -> int:
        """Claim what is due now and send it; returns how many rows were handled."""
        with self.db.background():  # requests waiting to answer Slack write first
            return await self._run_once()

    async def _run_once(self) -> int:
        now = self.clock.now()
        async with self.db.transaction() as session:
            rows = await outbox_rows.claim(session, owner=self.owner, now=now, lease=self.lease,
                                           limit=self.batch_size)
        if rows:
            in_flight = {row.id: row.fence for row in rows}
            heartbeat = asyncio.create_task(self._heartbeat(in_flight), name="outbox-heartbeat")
            try:
                await asyncio.gather(*(self._handle(row, in_flight) for row in rows))
            finally:
                heartbeat.cancel()
                await asyncio.gather(heartbeat, return_exceptions=True)
        return len(rows)

    async def drain(self, *, advance: Callable[[float], object] | None = None, max_passes: int = 10_000) -> None:
        """Send until nothing is left open. With `advance` (a fake clock's), jump straight to the next
        moment something is due instead of sleeping: for tests and the console."""
        for _ in range(max_passes):
            if await self.run_once():
                continue
            wait = await self.seconds_until_due()
            if wait is None:
                return
            if advance is None:
                await asyncio.sleep(min(max(wait, 0.01), self.idle_poll_seconds))
            else:
                advance(max(wait, 0.001))
        raise RuntimeError("outbox did not drain")

    async def seconds_until_due(self) -> float | None:
        """How long until an open row may go (retry time, lease end or pacing); None when none is open."""
        now = self.clock.now()
        async with self.db.read() as session:
            moment = await outbox_rows.next_moment(session, now)
        return None if moment is None else (moment - now).total_seconds()

    async def wait_idle(self, poll_seconds: float = 0.02) -> None:
        """Return once no row is waiting or in flight (the running loop does the sending)."""
        while True:
            async with self.db.read() as session:
                counts = await outbox_rows.count_by_status(session)
            if not counts.get(OutboxStatus.PENDING) and not counts.get(OutboxStatus.SENDING):
                return
            await asyncio.sleep(poll_seconds)

    # -- leases ----------------------------------------------------------------

    async def _heartbeat(self, in_flight: dict[int, int]) -> None:
        """Renew the leases of this batch's rows while they are in flight."""
        while in_flight:
            await asyncio.sleep(self.heartbeat_seconds)
            held = list(in_flight.items())
            if not held:
                return
            try:
                async with self.db.transaction() as session:
                    renewed = await outbox_rows.renew(session, held=held, until=self.clock.now() + self.lease)
            except Exception as exc:  # the database is away: the guard before each call will tell
                log.warning("outbox lease renewal failed (%s: %s)", type(exc).__name__, exc)
                continue
            for row_id, _ in held:
                if row_id not in renewed and row_id in in_flight:
                    log.warning("outbox row %s was taken over by another worker; no further call from %s",
                                row_id, self.owner)
                    in_flight.pop(row_id, None)

    async def _guard(self, flight: Flight, *, posting: bool = False) -> None:
        """Right before a Slack call: still ours, with lease enough for the call's worst case?"""
        now = self.clock.now()
        if not posting:
            # Usually a read settles it: nobody can take the row over before its lease ends.
            async with self.db.read() as session:
                lease_end = await outbox_rows.lease_end(session, row_id=flight.row.id, fence=flight.fence)
            if lease_end is None:
                raise LeaseLost()
            if lease_end >= now + self.call_budget:
                return
        async with self.db.transaction() as session:
            held = await outbox_rows.hold_for_call(session, row_id=flight.row.id, fence=flight.fence, now=now,
                                                   lease=self.lease, need=self.call_budget, posting=posting)
        if not held:
            raise LeaseLost()

    # -- one row ---------------------------------------------------------------

    async def _handle(self, row: OutboxMessage, in_flight: dict[int, int]) -> None:
        started = time.perf_counter()
        flight = Flight(row, None)
        try:
            outcome = await self._deliver_with_token(flight)
        except LeaseLost:
            in_flight.pop(row.id, None)
            self.metrics.outbox_sends.labels(result="LeaseLost").inc()
            log.warning("outbox row %s: lease lost to another worker; made no further call", row.id)
            return
        except Exception as exc:  # a bug here must not wedge the lane: retry with backoff
            log.exception("outbox row %s crashed while sending", row.id)
            outcome = RetryLater(error=f"crash: {type(exc).__name__}", maybe_sent=None)
        in_flight.pop(row.id, None)
        await self._settle(flight, outcome)
        elapsed_ms = (time.perf_counter() - started) * 1000
        self._log(row, outcome, elapsed_ms)

    async def _deliver_with_token(self, flight: Flight) -> Outcome:
        """The row's workspace token chosen now: none (uninstalled, revoked) parks the row; one that expired
        and is not refreshed yet makes it wait."""
        try:
            flight.client = await self.client_for_team(flight.row.team_id)
        except TokenUnavailable as exc:
            return RetryLater(error=str(exc), maybe_sent=None, retry_after=TOKEN_RETRY_SECONDS, count_attempt=False)
        if flight.client is None:
            return Parked(error=f"workspace {flight.row.team_id} has no bot token (uninstalled or revoked)")
        return await self._deliver(flight)

    async def _deliver(self, flight: Flight) -> Outcome:
        row = flight.row
        payload = await self._resolved_payload(row)
        if isinstance(payload, GiveUp):
            return payload
        if row.method in self.own_methods:
            return await self.own_methods[row.method](row)
        if row.method == uploads.UPLOAD:
            return await uploads.deliver(self.db, flight.client, row, payload,
                                         lambda method, args: self._call(flight, method, args))
        if row.method == POST:
            payload = delivery.tag_with_row(payload, row.id, row.created_at)
            if row.maybe_sent:
                found = await self._look_for_post(flight, payload)
                if found is not None:
                    return found
        try:
            return await self._call(flight, row.method, payload)
        except NotInChannel:
            return await self._join_then_call(flight, payload)

    async def _join_then_call(self, flight: Flight, payload: dict) -> Outcome:
        """A public channel the bot was never added to: join it, then make the call once more
        (Slack refused the first one outright, so nothing can be doubled)."""
        joined = await self._join(flight, payload["channel"])
        if not isinstance(joined, Delivered):
            return joined
        try:
            return await self._call(flight, flight.row.method, payload)
        except NotInChannel:
            return GiveUp(error="not_in_channel")

    async def _join(self, flight: Flight, channel: str) -> Outcome:
        try:
            joined = await self._call(flight, "conversations.join", {"channel": channel})
        except NotInChannel:
            joined = GiveUp(error="not_in_channel")
        if isinstance(joined, GiveUp):
            return GiveUp(error=f"not_in_channel (and could not join: {joined.error})")
        return joined

    async def _call(self, flight: Flight, method: str, payload: dict) -> Outcome:
        """Guard, then one Web API call. Only the row's own post counts as a post attempt."""
        if method != flight.row.method:
            # The claim only waited for a pause on the row's own method; a 429 on this one (say
            # conversations.history) is waited out here, without asking Slack.
            now = self.clock.now()
            paused_until = await self._paused_until(flight.row.team_id, method, now)
            if paused_until is not None:
                return RetryLater(error=f"{method} is paused after a 429", maybe_sent=None,
                                  retry_after=(paused_until - now).total_seconds(), count_attempt=False)
        if method in WORKSPACE_PACE:
            wait = await self._take_turn(flight.row.team_id, method)
            if wait is not None:
                return RetryLater(error=f"{method} keeps to its rate tier", maybe_sent=None, retry_after=wait,
                                  count_attempt=False)
        posting = method == POST and flight.row.method == POST
        await self._guard(flight, posting=posting)
        if posting:
            flight.post_started_at = self.clock.now()
        try:
            outcome = await delivery.call(flight.client, method, payload)
        except NotInChannel:
            self.metrics.slack_api_calls.labels(method=method, outcome="not_in_channel").inc()
            raise
        label = {Delivered: "ok", GiveUp: "error", Parked: "error"}.get(type(outcome), "retry")
        if isinstance(outcome, RetryLater) and outcome.limited_method is not None:
            label = "ratelimited"
            self.metrics.slack_api_ratelimited.labels(method=method).inc()
        self.metrics.slack_api_calls.labels(method=method, outcome=label).inc()
        return outcome

    # -- "already posted?" -------------------------------------------------------

    async def _look_for_post(self, flight: Flight, payload: dict) -> Outcome | None:
        """One bounded lookup for the post an earlier attempt may have made. None: it is not there,
        post. Fails closed: whenever the answer is unclear, the row waits; it never posts."""
        row = flight.row
        if row.post_started_at is not None:
            settled_at = row.post_started_at + self.post_settles_after
            now = self.clock.now()
            if not row.post_answered and now < settled_at:
                # Slack may still apply the earlier attempt: history cannot yet say it is not there.
                return RetryLater(error="waiting for Slack to settle an unanswered post before looking for it",
                                  maybe_sent=None, retry_after=(settled_at - now).total_seconds(),
                                  count_attempt=False)
            window = lookup.window_around(row.post_started_at, self.post_settles_after.total_seconds())
        else:
            window = lookup.window_since(row.first_attempt_at or row.created_at, self.clock.now())
        method = lookup.method_for(payload)
        channel = payload["channel"]
        if channel.startswith(("U", "W")):
            opened = await self._call(flight, "conversations.open", {"users": channel})
            if isinstance(opened, GiveUp) and opened.error in OPEN_NOTHING_THERE:
                return None  # no DM can exist with them; the post is refused the same way
            if not isinstance(opened, Delivered):
                return self._lookup_unclear(row, "conversations.open", opened)
            channel = ((opened.data.get("channel") or {}).get("id")) or channel
        try:
            page = await self._call(flight, method, lookup.page_args(channel, payload, window, row.lookup_mark))
        except NotInChannel:
            # A public channel the bot is not (or no longer) in: join so it can look, then look again.
            joined = await self._join(flight, channel)
            if isinstance(joined, RetryLater):
                return self._lookup_unclear(row, "conversations.join", joined)
            if isinstance(joined, GiveUp):
                return joined  # not in the channel and cannot join: a post would be refused too
            return RetryLater(error="joined the channel to look for an earlier post", maybe_sent=None,
                              retry_after=lookup.NEXT_PAGE_AFTER_SECONDS, count_attempt=False)
        if isinstance(page, GiveUp) and page.error in LOOKUP_NOTHING_THERE:
            log.info("outbox row %s: %s says %s; nothing of ours is there", row.id, method, page.error)
            return None
        if not isinstance(page, Delivered):
            return self._lookup_unclear(row, method, page)
        result = lookup.read_page(page.data, delivery.row_tag_value(row.id, row.created_at), payload)
        if isinstance(result, lookup.Found):
            log.info("outbox row %s was already posted as ts=%s; not posting again", row.id, result.ts)
            return Delivered(channel=channel, ts=result.ts)
        if isinstance(result, lookup.MoreToSee):
            return RetryLater(error="looked for an earlier post; more history to read", maybe_sent=None,
                              retry_after=lookup.NEXT_PAGE_AFTER_SECONDS, count_attempt=False,
                              lookup_mark=result.mark)
        return None

    def _lookup_unclear(self, row: OutboxMessage, method: str, outcome: Outcome) -> Outcome:
        """A lookup call that did not answer. The row's maybe_sent stays as it is."""
        if isinstance(outcome, Parked):
            return outcome  # the workspace's token is gone: nothing can be looked up or posted
        if isinstance(outcome, GiveUp) and outcome.error in LOOKUP_REFUSALS_FOR_GOOD:
            return GiveUp(error=outcome.error)
        if isinstance(outcome, RetryLater):
            log.warning("outbox row %s: %s failed (%s); looking again later", row.id, method, outcome.error)
            return RetryLater(error=f"{method}: {outcome.error}", maybe_sent=None, retry_after=outcome.retry_after,
                              limited_method=outcome.limited_method, count_attempt=outcome.count_attempt)
        error = outcome.error if isinstance(outcome, GiveUp) else "unexpected answer"
        log.warning("outbox row %s: %s refused (%s); not posting while unsure", row.id, method, error)
        return RetryLater(error=f"{method} refused: {error}", maybe_sent=None)

    async def _take_turn(self, team_id: str, method: str) -> float | None:
        """None when this call may go now (its turn is taken), else seconds until one may."""
        interval, burst = WORKSPACE_PACE[method]
        now = self.clock.now()
        async with self.db.transaction() as session:
            ready = await outbox_rows.reserve(session, key=outbox_rows.method_key(team_id, method), now=now,
                                              interval=interval, burst=burst)
        return None if ready is None else max((ready - now).total_seconds(), 0.001)

    async def _paused_until(self, team_id: str, method: str, now: datetime) -> datetime | None:
        async with self.db.read() as session:
            held = await outbox_rows.throttles(session, [outbox_rows.method_key(team_id, method)])
        throttle = held.get(outbox_rows.method_key(team_id, method))
        return throttle.ready_at if throttle is not None and throttle.ready_at > now else None

    async def _resolved_payload(self, row: OutboxMessage) -> dict | GiveUp:
        """Fill in the ts (and real channel) of the message this row refers to by key."""
        payload = dict(row.payload)
        if row.ref_key is None:
            return payload
        async with self.db.read() as session:
            posted = await slack_messages.get(session, row.team_id, row.ref_key)
        if posted is None:
            return GiveUp(error=f"message {row.ref_key} it refers to was never posted", tell_requester=False)
        payload[row.ref_field or "ts"] = posted.ts
        payload["channel"] = posted.channel
        return payload

    # -- settling ----------------------------------------------------------------

    async def _settle(self, flight: Flight, outcome: Outcome) -> None:
        """Record the outcome, if this claim still holds the row."""
        row, fence = flight.row, flight.fence
        now = self.clock.now()
        # This claim's post attempt got Slack's answer: a later lookup need not wait for it to settle.
        post_answered = (flight.post_started_at is not None and isinstance(outcome, RetryLater)
                         and not outcome.unanswered)
        async with self.db.transaction() as session:
            if isinstance(outcome, Delivered):
                held = await outbox_rows.mark_sent(session, row_id=row.id, fence=fence,
                                                   channel=outcome.channel, ts=outcome.ts, now=now)
                if held and row.message_key and outcome.channel and outcome.ts:
                    await slack_messages.record(session, team_id=row.team_id, key=row.message_key,
                                                channel=outcome.channel, ts=outcome.ts, now=now)
                if row.method in PACED_METHODS:
                    await self._pace(session, [row.lane], now, None)
                if held:
                    self._observe_alert(row, now)
            elif isinstance(outcome, RetryLater) and outcome.retry_after is not None:
                held = await outbox_rows.reschedule(
                    session, row_id=row.id, fence=fence, error=outcome.error, maybe_sent=outcome.maybe_sent,
                    at=now + timedelta(seconds=outcome.retry_after), count_attempt=outcome.count_attempt,
                    lookup_mark=outcome.lookup_mark, post_answered=post_answered)
                if outcome.limited_method is not None:
                    # Only the method Slack limited waits: a 429 on conversations.history must not hold
                    # back chat.postMessage.
                    await self._pace(session, [outbox_rows.method_key(row.team_id, outcome.limited_method)],
                                     now, outcome.retry_after)
            elif isinstance(outcome, RetryLater) and now - (row.first_attempt_at or now) < GIVE_UP_AFTER:
                at = now + timedelta(seconds=backoff_seconds(row.attempts))
                if outcome.unanswered and flight.post_started_at is not None:
                    # Slack may still act on the post: look for it only once it has surely settled.
                    at = max(at, flight.post_started_at + self.post_settles_after)
                held = await outbox_rows.reschedule(
                    session, row_id=row.id, fence=fence, error=outcome.error, maybe_sent=outcome.maybe_sent,
                    at=at, count_attempt=outcome.count_attempt, lookup_mark=outcome.lookup_mark,
                    post_answered=post_answered)
            elif isinstance(outcome, Parked):
                # The workspace lost its token: kept as it is, sent again only if it comes back (a reinstall).
                held = await outbox_rows.mark_parked(session, row_id=row.id, fence=fence, error=outcome.error)
            else:
                held = await outbox_rows.mark_failed(session, row_id=row.id, fence=fence, error=outcome.error)
                gave_up = isinstance(outcome, RetryLater)
                if held and (gave_up or outcome.tell_requester):
                    await notices.tell_requester(session, row, outcome.error, now, gave_up=gave_up)
        if not held:
            log.warning("outbox row %s: lease lost before settling (another worker took it over)", row.id)

    def _observe_alert(self, row: OutboxMessage, now: datetime) -> None:
        """Messages showing an alert change carry when it was received (bot/alerts/storms.receipt_metadata)."""
        metadata = row.payload.get("metadata") or {}
        if metadata.get("event_type") == ALERT_EVENT:
            received = (metadata.get("event_payload") or {}).get("received")
            if isinstance(received, (int, float)):
                self.metrics.alert_receipt_to_slack.observe(max(0.0, now.timestamp() - received))

    async def _pace(self, session, keys: list[str], now: datetime, retry_after: float | None) -> None:
        current = await outbox_rows.throttles(session, keys)
        for key in keys:
            previous = current.get(key)
            previous_pace = pacing.Pace(previous.tat, previous.ready_at) if previous else None
            if retry_after is None:
                pace = pacing.after_call(previous_pace, now)
            else:
                pace = pacing.after_rate_limit(previous_pace, now, retry_after)
            await outbox_rows.save_throttle(session, key=key, tat=pace.tat, ready_at=pace.ready_at)

    def _log(self, row: OutboxMessage, outcome: Outcome, elapsed_ms: float) -> None:
        result = type(outcome).__name__
        self.metrics.outbox_sends.labels(result=result).inc()
        extra = {"outbox_id": row.id, "method": row.method, "lane": row.lane, "attempt": row.attempts,
                 "result": result, "ms": round(elapsed_ms, 1)}
        if isinstance(outcome, Delivered):
            extra["ts"] = outcome.ts
            log.info("outbox send id=%s method=%s lane=%s attempt=%s result=sent ts=%s ms=%.1f",
                     row.id, row.method, row.lane, row.attempts, outcome.ts, elapsed_ms, extra=extra)
        else:
            extra["error"] = outcome.error
            # A refusal people can fix (an archived channel, Crisp not invited) is told to whoever asked;
            # only the rest (say, blocks Slack rejects) are Crisp's own errors.
            people_can_fix = isinstance(outcome, GiveUp) and error_code(outcome.error) in ADVICE
            level = logging.ERROR if isinstance(outcome, GiveUp) and not people_can_fix else logging.WARNING
            if isinstance(outcome, Parked):
                level = logging.INFO  # the workspace uninstalled Crisp: expected, said once by its audit
            if isinstance(outcome, RetryLater) and not outcome.count_attempt:
                level = logging.INFO  # waiting its turn (a rate tier, a post settling): nothing went wrong
            log.log(level, "outbox send id=%s method=%s lane=%s attempt=%s result=%s error=%s ms=%.1f",
                    row.id, row.method, row.lane, row.attempts, result, outcome.error, elapsed_ms, extra=extra)
