"""SQLite sessions that run on the event loop's thread.

aiosqlite runs every cursor call on a thread of its own and hands the answer back through the loop;
under load each hop waits for the GIL (up to `sys.getswitchinterval()`, 5 ms), so a command making
ten statements can spend tens of milliseconds just changing threads, while the statements themselves
take microseconds on a local file. Here SQLAlchemy's synchronous Session on pysqlite does the work
inline, behind AsyncSession's interface, so services and queries are written once for both databases.

What makes blocking the loop safe: in WAL mode readers never wait for locks; writers in this process
take turns on an asyncio lock before they touch SQLite (storage.db), and the one statement that can
meet another *process's* write lock, `BEGIN IMMEDIATE`, is tried without waiting (busy timeout 0) and
retried with asyncio sleeps, so a busy file never stalls the loop. After BEGIN IMMEDIATE nothing
in a WAL-mode transaction waits for a lock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

# AsyncSession buffers every result before it returns (the rows outlive the statement); so do we.
_EXECUTE_OPTIONS = {"prebuffer_rows": True}
BEGIN_RETRY_FIRST_SECONDS = 0.005
BEGIN_RETRY_MAX_SECONDS = 0.1


class WriterBusy(Exception):
    """Another process held SQLite's write lock for longer than we were willing to wait."""


def sync_url(async_url: str) -> str:
    return make_url(async_url).set(drivername="sqlite+pysqlite").render_as_string(hide_password=False)


def create_inline_engine(async_url: str, *, configure, begin, pool_size: int) -> Engine:
    """A pysqlite engine for the same file, configured like the async one (WAL, foreign keys, BEGIN
    IMMEDIATE for writes) but with no busy timeout: waiting is done with asyncio, not in SQLite."""
    engine = create_sync_engine(sync_url(async_url), connect_args={"timeout": 0, "check_same_thread": False},
                                # callers hold a slot per connection (storage.db), so a checkout never waits
                                pool_size=pool_size, max_overflow=0, pool_timeout=0.001)
    event.listen(engine, "connect", configure)
    event.listen(engine, "begin", begin)
    return engine


class ConnectionSlots:
    """How many connections inline sessions may hold at once. A session waits (asynchronously) for a
    slot before its first statement and gives it back when it lets go of its connection, so a checkout
    never waits inside the pool: that wait would block the loop, and with it whoever would give a
    connection back."""

    def __init__(self, count: int, timeout: Callable[[], float]):
        self._free = asyncio.Semaphore(count)
        self.timeout = timeout  # how long the current task may wait

    async def take(self) -> None:
        timeout = self.timeout()
        try:
            await asyncio.wait_for(self._free.acquire(), timeout)
        except TimeoutError:
            raise NoConnection(f"no connection came free within {timeout:g} s") from None

    def give_back(self) -> None:
        self._free.release()


class NoConnection(Exception):
    """Every connection was in use for longer than the caller was willing to wait."""


class InlineSession:
    """The subset of AsyncSession that Crisp uses, over a synchronous Session run inline."""

    def __init__(self, sync_session: Session, slots: ConnectionSlots):
        self.sync_session = sync_session
        self._slots = slots
        self._holds_slot = False

    async def _connected(self) -> Session:
        if not self._holds_slot:
            await self._slots.take()
            self._holds_slot = True
        return self.sync_session

    @property
    def bind(self):
        return self.sync_session.bind

    # -- statements ------------------------------------------------------------------------------
    async def execute(self, statement, params=None, *, execution_options=None, **kw):
        options = {**_EXECUTE_OPTIONS, **(execution_options or {})}
        return (await self._connected()).execute(statement, params, execution_options=options, **kw)

    async def scalar(self, statement, params=None, **kw):
        return (await self._connected()).scalar(statement, params, **kw)

    async def scalars(self, statement, params=None, **kw):
        return (await self.execute(statement, params, **kw)).scalars()

    async def get(self, entity, ident, **kw):
        return (await self._connected()).get(entity, ident, **kw)

    # -- unit of work ----------------------------------------------------------------------------
    def add(self, instance, _warn: bool = True) -> None:
        self.sync_session.add(instance, _warn=_warn)

    def add_all(self, instances) -> None:
        self.sync_session.add_all(instances)

    def expunge(self, instance) -> None:
        self.sync_session.expunge(instance)

    def expire(self, instance, attribute_names=None) -> None:
        self.sync_session.expire(instance, attribute_names)

    async def flush(self, objects=None) -> None:
        (await self._connected()).flush(objects)

    async def refresh(self, instance, attribute_names=None, with_for_update=None) -> None:
        (await self._connected()).refresh(instance, attribute_names, with_for_update)

    async def delete(self, instance) -> None:
        self.sync_session.delete(instance)

    async def merge(self, instance, *, load: bool = True, options=None):
        return (await self._connected()).merge(instance, load=load, options=options)

    def in_transaction(self) -> bool:
        return self.sync_session.in_transaction()

    @property
    def info(self) -> dict[str, Any]:
        return self.sync_session.info

    # -- transactions ----------------------------------------------------------------------------
    @asynccontextmanager
    async def begin(self) -> AsyncIterator[InlineSession]:
        with (await self._connected()).begin():
            yield self

    async def commit(self) -> None:
        (await self._connected()).commit()
        self._let_go()

    async def rollback(self) -> None:
        self.sync_session.rollback()
        self._let_go()

    async def close(self) -> None:
        self.sync_session.close()
        self._let_go()

    def _let_go(self) -> None:
        """After commit, rollback or close the session holds no connection (it takes one again, and a
        slot with it, if it is used again)."""
        if self._holds_slot:
            self._holds_slot = False
            self._slots.give_back()


async def begin_writing(session: InlineSession, deadline: float) -> None:
    """Start the write transaction (BEGIN IMMEDIATE) without ever waiting inside SQLite: when another
    process holds the write lock, sleep and try again until `deadline` (time.monotonic())."""
    delay = BEGIN_RETRY_FIRST_SECONDS
    while True:
        try:
            (await session._connected()).connection()  # autobegins: the begin event issues BEGIN IMMEDIATE
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
                raise
            await session.rollback()
            if time.monotonic() + delay > deadline:
                raise WriterBusy("another process holds the SQLite write lock") from exc
            await asyncio.sleep(delay)
            delay = min(delay * 2, BEGIN_RETRY_MAX_SECONDS)
