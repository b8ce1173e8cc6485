"""Outbox rows: insert, claim with a fenced lease, renew, settle, and pacing state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.tables import OutboxFile, OutboxMessage, OutboxStatus, OutboxThrottle

OPEN_STATUSES = (OutboxStatus.PENDING, OutboxStatus.SENDING)


async def insert(session: AsyncSession, row: OutboxMessage) -> OutboxMessage | None:
    """Store a call. A row whose dedupe_key, or whose (team, message_key), exists already is dropped
    (returns None); a replace_key marks older pending rows with that key superseded."""
    if row.replace_key is not None:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.replace_key == row.replace_key, OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SUPERSEDED)
        )
    if row.dedupe_key is None and row.message_key is None:
        session.add(row)
        await session.flush()
        return row
    values = row.model_dump(exclude={"id"})
    statement = (
        insert_for(session, OutboxMessage.__table__)
        .values(**values)
        .on_conflict_do_nothing()  # either unique index: the call is stored already
        .returning(OutboxMessage.__table__.c.id)
    )
    new_id = (await session.execute(statement)).scalar_one_or_none()
    if new_id is None:
        return None
    return await session.get(OutboxMessage, new_id)


def method_key(team_id, method):
    """Throttle key for a Slack method across a workspace (works on columns and on strings)."""
    return team_id + ":method:" + method


async def claim(
    session: AsyncSession, *, owner: str, now: datetime, lease: timedelta, limit: int
) -> list[OutboxMessage]:
    """Take up to `limit` rows that are due, each the oldest open row of its lane, in unthrottled
    lanes. Rows whose lease ran out (their worker died or stalled) are taken over. Every claim gives
    the row a new fencing token: whoever held it before can no longer call Slack for it or settle it."""
    row = OutboxMessage.__table__
    earlier = aliased(OutboxMessage.__table__)
    referred = aliased(OutboxMessage.__table__)
    throttle = OutboxThrottle.__table__
    candidates = (
        select(row.c.id)
        .where(
            or_(
                and_(row.c.status == OutboxStatus.PENDING, row.c.next_attempt_at <= now),
                and_(row.c.status == OutboxStatus.SENDING, row.c.lease_until < now),
            ),
            ~exists().where(
                earlier.c.lane == row.c.lane, earlier.c.id < row.c.id, earlier.c.status.in_(OPEN_STATUSES)
            ),
            # an update or thread reply waits for the message it refers to
            ~exists().where(referred.c.team_id == row.c.team_id, referred.c.message_key == row.c.ref_key,
                            referred.c.status.in_(OPEN_STATUSES)),
            ~exists().where(
                throttle.c.key.in_([row.c.lane, method_key(row.c.team_id, row.c.method)]),
                throttle.c.ready_at > now,
            ),
        )
        .order_by(row.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=row)
    )
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates.scalar_subquery()))
        .values(
            status=OutboxStatus.SENDING,
            lease_owner=owner,
            lease_until=now + lease,
            fence=OutboxMessage.fence + 1,
            attempts=OutboxMessage.attempts + 1,
            first_attempt_at=func.coalesce(OutboxMessage.first_attempt_at, now),
        )
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    rows = list((await session.execute(statement)).scalars())
    rows.sort(key=lambda r: r.id)
    return rows


def _held(row_id: int, fence: int):
    """The row is still in flight under this claim (nobody took it over since)."""
    return and_(
        OutboxMessage.id == row_id,
        OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.fence == fence,
    )


async def hold_for_call(session: AsyncSession, *, row_id: int, fence: int, now: datetime, lease: timedelta,
                        need: timedelta, posting: bool = False) -> bool:
    """Right before a Slack call: True when this claim still holds the row and its lease runs at least
    `need` longer (renewed to `now + lease` when it would not). With `posting`, the row is marked as
    possibly sent from this moment, so whoever handles it next looks for the post first."""
    values: dict = {
        "lease_until": case((OutboxMessage.lease_until < now + need, now + lease), else_=OutboxMessage.lease_until),
    }
    if posting:
        values.update(maybe_sent=True, post_started_at=now, post_answered=False, lookup_mark=None)
    result = await session.execute(
        update(OutboxMessage).where(_held(row_id, fence)).values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def lease_end(session: AsyncSession, *, row_id: int, fence: int) -> datetime | None:
    """When this claim's lease runs out; None when the row is no longer held under it."""
    return (await session.execute(select(OutboxMessage.lease_until).where(_held(row_id, fence)))).scalar_one_or_none()


async def renew(session: AsyncSession, *, held: Sequence[tuple[int, int]], until: datetime) -> set[int]:
    """Extend the leases of rows still held under these (id, fence) claims; returns the ids renewed."""
    renewed = set()
    for row_id, fence in held:
        result = await session.execute(
            update(OutboxMessage).where(_held(row_id, fence)).values(lease_until=until)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            renewed.add(row_id)
    return renewed


async def mark_sent(session: AsyncSession, *, row_id: int, fence: int, channel: str | None,
                    ts: str | None, now: datetime) -> bool:
    result = await session.execute(
        update(OutboxMessage)
        .where(_held(row_id, fence))
        .values(status=OutboxStatus.SENT, result_channel=channel, result_ts=ts, sent_at=now,
                lease_owner=None, lease_until=None, last_error=None, lookup_mark=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def reschedule(session: AsyncSession, *, row_id: int, fence: int, at: datetime, error: str,
                     maybe_sent: bool | None = None, count_attempt: bool = True,
                     lookup_mark: str | None = None, post_answered: bool = False) -> bool:
    """Back to pending until `at`. `maybe_sent` None keeps what the row says; `lookup_mark` records
    where an unfinished "already posted?" lookup stopped; `post_answered` that Slack answered the post
    attempt this claim made."""
    values = dict(status=OutboxStatus.PENDING, next_attempt_at=at, last_error=error[:500],
                  lease_owner=None, lease_until=None)
    if maybe_sent is not None:
        values["maybe_sent"] = maybe_sent
    if lookup_mark is not None:
        values["lookup_mark"] = lookup_mark
    if post_answered:
        values["post_answered"] = True
    if not count_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    result = await session.execute(
        update(OutboxMessage).where(_held(row_id, fence)).values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def mark_failed(session: AsyncSession, *, row_id: int, fence: int, error: str) -> bool:
    result = await session.execute(
        update(OutboxMessage)
        .where(_held(row_id, fence))
        .values(status=OutboxStatus.FAILED, last_error=error[:500], lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def post_channel(session: AsyncSession, team_id: str, message_key: str) -> str | None:
    """The conversation the post with this key was (or will be) sent to, while its row exists."""
    payload = (await session.execute(
        select(OutboxMessage.payload).where(OutboxMessage.team_id == team_id,
                                            OutboxMessage.message_key == message_key)
    )).scalar_one_or_none()
    return payload["channel"] if payload else None


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows.all()}


async def next_moment(session: AsyncSession, now: datetime) -> datetime | None:
    """The earliest moment a row may be claimed: for the oldest open row of each lane, its retry time
    (or lease end), pushed back by any throttle on its lane or method. None when no row is open."""
    row = OutboxMessage.__table__
    earlier = aliased(OutboxMessage.__table__)
    heads = (await session.execute(
        select(row.c.lane, method_key(row.c.team_id, row.c.method),
               case((row.c.status == OutboxStatus.PENDING, row.c.next_attempt_at), else_=row.c.lease_until))
        .where(row.c.status.in_(OPEN_STATUSES),
               ~exists().where(earlier.c.lane == row.c.lane, earlier.c.id < row.c.id,
                               earlier.c.status.in_(OPEN_STATUSES)))
    )).all()
    if not heads:
        return None
    held = await throttles(session, {key for lane, method, _ in heads for key in (lane, method)})
    moments = []
    for lane, method, due in heads:
        waits = [held[key].ready_at for key in (lane, method) if key in held]
        moments.append(max([due, *waits]))
    return min(moments)


async def purge_settled(session: AsyncSession, *, before: datetime) -> int:
    """Forget rows settled before `before`. Messages posted under a key stay reachable through
    slack_message, so an open update or reply never needs an old row. The bytes of settled uploads
    go at once: nobody sends them again."""
    settled = select(OutboxMessage.id).where(OutboxMessage.status.not_in(OPEN_STATUSES))
    await session.execute(delete(OutboxFile).where(OutboxFile.outbox_id.in_(settled))
                          .execution_options(synchronize_session=False))
    result = await session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.status.not_in(OPEN_STATUSES), OutboxMessage.created_at < before)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def throttles(session: AsyncSession, keys: Sequence[str]) -> dict[str, OutboxThrottle]:
    rows = await session.execute(select(OutboxThrottle).where(OutboxThrottle.key.in_(keys)))
    return {row.key: row for row in rows.scalars()}


async def save_throttle(session: AsyncSession, *, key: str, tat: datetime, ready_at: datetime) -> None:
    statement = insert_for(session, OutboxThrottle.__table__).values(key=key, tat=tat, ready_at=ready_at)
    statement = statement.on_conflict_do_update(
        index_elements=["key"], set_={"tat": statement.excluded.tat, "ready_at": statement.excluded.ready_at}
    )
    await session.execute(statement)


async def reserve(session: AsyncSession, *, key: str, now: datetime, interval: timedelta, burst: int) -> datetime | None:
    """Take one call of a workspace-wide pace (GCRA) under `key`, locked against other workers; returns
    None when taken, else when the next call may go (a Retry-After still running counts too)."""
    await session.execute(insert_for(session, OutboxThrottle.__table__).values(key=key, tat=now, ready_at=now)
                          .on_conflict_do_nothing(index_elements=["key"]))
    statement = select(OutboxThrottle).where(OutboxThrottle.key == key)
    if session.bind.dialect.name == "postgresql":
        statement = statement.with_for_update()
    held = (await session.execute(statement.execution_options(populate_existing=True))).scalar_one()
    tolerance = interval * (burst - 1)
    if held.ready_at > now or held.tat - now > tolerance:
        return max(held.ready_at, held.tat - tolerance)
    tat = max(held.tat, now) + interval
    held.tat, held.ready_at = tat, max(held.ready_at, tat - tolerance)
    await session.flush()
    return None
