"""Sends outbox rows: claims due rows under a lease, makes each call, settles the row.

Guarantees (see tests/outbox): rows of one lane go out in order and one at a time, across
processes; each lane keeps Slack's pace; 429 Retry-After is obeyed; transient failures are
retried with backoff; a post is never made twice, even when a worker died mid-call.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.metrics import Metrics
from bot.outbox import delivery, pacing
from bot.outbox.delivery import Delivered, GiveUp, NotInChannel, Outcome, RetryLater
from storage.db import Database
from storage.queries import outbox as outbox_rows
from storage.tables import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

PACED_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete", "views.publish"}
FIND_BEFORE_RESEND = {"chat.postMessage"}
MAX_BACKOFF_SECONDS = 300
GIVE_UP_AFTER = timedelta(hours=6)


def backoff_seconds(attempts: int) -> float:
    base = min(MAX_BACKOFF_SECONDS, 2 ** max(0, attempts - 1))
    return base * random.uniform(0.8, 1.2)


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        client_for_team: Callable[[str], AsyncWebClient],
        clock: Clock,
        metrics: Metrics,
        *,
        lease_seconds: float = 60.0,
        batch_size: int = 25,
        idle_poll_seconds: float = 0.5,
        owner: str | None = None,
    ):
        self.db = db
        self.client_for_team = client_for_team
        self.clock = clock
        self.metrics = metrics
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    # -- the loop ------------------------------------------------------------

    async def run_forever(self) -> None:
        log.info("outbox worker started owner=%s", self.owner)
        while not self._stopping:
            self._wake.clear()  # before the pass: a wake-up (or stop) during it is not lost
            try:
                handled = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox worker pass failed; retrying shortly")
                handled = 0
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

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run_once(self) -> int:
        """Claim what is due now and send it; returns how many rows were handled."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            rows = await outbox_rows.claim(session, owner=self.owner, now=now, lease=self.lease,
                                           limit=self.batch_size)
        if rows:
            await asyncio.gather(*(self._handle(row) for row in rows))
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

    # -- one row ---------------------------------------------------------------

    async def _handle(self, row: OutboxMessage) -> None:
        started = time.perf_counter()
        try:
            outcome = await self._deliver(row)
        except Exception as exc:  # a bug here must not wedge the lane: retry with backoff
            log.exception("outbox row %s crashed while sending", row.id)
            outcome = RetryLater(error=f"crash: {type(exc).__name__}", maybe_sent=True)
        await self._settle(row, outcome)
        elapsed_ms = (time.perf_counter() - started) * 1000
        self._log(row, outcome, elapsed_ms)

    async def _deliver(self, row: OutboxMessage) -> Outcome:
        payload = await self._resolved_payload(row)
        if isinstance(payload, GiveUp):
            return payload
        client = self.client_for_team(row.team_id)
        if row.method in FIND_BEFORE_RESEND:
            payload = delivery.tag_with_row(payload, row.id, row.created_at)
            if row.maybe_sent:
                found = await self._find_posted(client, row, payload)
                if isinstance(found, RetryLater) or found is not None:
                    return found
        try:
            return await self._call(client, row, payload)
        except NotInChannel:
            return await self._join_then_call(client, row, payload)

    async def _join_then_call(self, client: AsyncWebClient, row: OutboxMessage, payload: dict) -> Outcome:
        """A public channel the bot was never added to: join it, then make the call once more
        (Slack refused the first one outright, so nothing can be doubled)."""
        try:
            joined = await self._call(client, row, {"channel": payload["channel"]}, method="conversations.join")
        except NotInChannel:
            joined = GiveUp(error="not_in_channel")
        if isinstance(joined, GiveUp):
            return GiveUp(error=f"not_in_channel (and could not join: {joined.error})")
        if not isinstance(joined, Delivered):
            return joined
        try:
            return await self._call(client, row, payload)
        except NotInChannel:
            return GiveUp(error="not_in_channel")

    async def _call(self, client: AsyncWebClient, row: OutboxMessage, payload: dict, *,
                    method: str | None = None) -> Outcome:
        method = method or row.method
        try:
            outcome = await delivery.call(client, method, payload)
        except NotInChannel:
            self.metrics.slack_api_calls.labels(method=method, outcome="not_in_channel").inc()
            raise
        label = {Delivered: "ok", GiveUp: "error"}.get(type(outcome), "retry")
        if isinstance(outcome, RetryLater) and outcome.retry_after is not None:
            label = "ratelimited"
            self.metrics.slack_api_ratelimited.labels(method=method).inc()
        self.metrics.slack_api_calls.labels(method=method, outcome=label).inc()
        return outcome

    async def _find_posted(self, client: AsyncWebClient, row: OutboxMessage, payload: dict) -> Outcome | None:
        try:
            found = await delivery.find_posted(client, payload, row.first_attempt_at or row.created_at)
        except SlackApiError as exc:
            outcome = delivery.classify_api_error(exc) if exc.response.get("error") != "not_in_channel" else None
            if isinstance(outcome, RetryLater):  # Slack is struggling: wait rather than risk a duplicate
                log.warning("outbox row %s: history search failed (%s); will retry", row.id, outcome.error)
                return RetryLater(error=f"history search: {outcome.error}", maybe_sent=True,
                                  retry_after=outcome.retry_after)
            # A conversation we cannot read (unknown channel, not a member) holds no post of ours;
            # a missing scope cannot be waited out: post, accepting the small risk.
            log.warning("outbox row %s: history search refused (%s); posting", row.id, exc.response.get("error"))
            return None
        except Exception as exc:  # network trouble: cannot tell, so wait
            log.warning("outbox row %s: could not search history (%s); will retry", row.id, exc)
            return RetryLater(error=f"history search failed: {type(exc).__name__}", maybe_sent=True)
        if found is not None:
            log.info("outbox row %s was already posted as ts=%s; not posting again", row.id, found.ts)
        return found

    async def _resolved_payload(self, row: OutboxMessage) -> dict | GiveUp:
        """Fill in the ts (and real channel) of the message this row refers to."""
        payload = dict(row.payload)
        if row.ref_id is None:
            return payload
        async with self.db.read() as session:
            ref = await outbox_rows.get(session, row.ref_id)
        if ref is None or ref.status != OutboxStatus.SENT or not ref.result_ts:
            return GiveUp(error=f"message {row.ref_id} it refers to was never posted")
        payload[row.ref_field or "ts"] = ref.result_ts
        if ref.result_channel:
            payload["channel"] = ref.result_channel
        return payload

    async def _settle(self, row: OutboxMessage, outcome: Outcome) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            if isinstance(outcome, Delivered):
                held = await outbox_rows.mark_sent(session, row_id=row.id, owner=self.owner,
                                                   channel=outcome.channel, ts=outcome.ts, now=now)
                if row.method in PACED_METHODS:
                    await self._pace(session, [row.lane], now, None)
            elif isinstance(outcome, RetryLater) and outcome.retry_after is not None:
                held = await outbox_rows.reschedule(
                    session, row_id=row.id, owner=self.owner, error=outcome.error, maybe_sent=False,
                    at=now + timedelta(seconds=outcome.retry_after), count_attempt=False)
                await self._pace(session, [row.lane, outbox_rows.method_key(row.team_id, row.method)],
                                 now, outcome.retry_after)
            elif isinstance(outcome, RetryLater) and now - (row.first_attempt_at or now) < GIVE_UP_AFTER:
                held = await outbox_rows.reschedule(
                    session, row_id=row.id, owner=self.owner, error=outcome.error, maybe_sent=outcome.maybe_sent,
                    at=now + timedelta(seconds=backoff_seconds(row.attempts)))
            else:
                held = await outbox_rows.mark_failed(session, row_id=row.id, owner=self.owner, error=outcome.error)
        if not held:
            log.warning("outbox row %s: lease lost before settling (another worker took it over)", row.id)

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
            level = logging.ERROR if isinstance(outcome, GiveUp) else logging.WARNING
            log.log(level, "outbox send id=%s method=%s lane=%s attempt=%s result=%s error=%s ms=%.1f",
                    row.id, row.method, row.lane, row.attempts, result, outcome.error, elapsed_ms, extra=extra)
