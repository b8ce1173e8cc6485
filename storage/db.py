"""Engine and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg).

Connection rules, so a burst of requests can never starve the pool:
- a task holds at most one connection at a time: opening a transaction first hands back the
  connection of the task's read session (`read()`), and nesting one database scope inside another
  is a bug that raises at once;
- SQLite has one writer: write transactions queue on an in-process lock *before* they take a
  connection, then `BEGIN IMMEDIATE` (so a second process waits on SQLite's busy timeout instead of
  failing a lock upgrade halfway through);
- waits are short and bounded (`pool_timeout`); when they run out, `DatabaseBusy` is raised and the
  caller answers "busy, try again" instead of hanging;
- `/healthz` pings through a small engine of its own and never queues behind commands.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

from aiosqlite.core import _connection_worker_thread as _aiosqlite_worker
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

from storage.inline_sqlite import (ConnectionSlots, InlineSession, NoConnection, WriterBusy, begin_writing,
                                   create_inline_engine)

SQLITE_BUSY_TIMEOUT_SECONDS = 10
PING_AFTER_IDLE_SECONDS = 5
POOL_RECYCLE_SECONDS = 1800
WAL_SWITCH_ATTEMPTS = 100
DEFAULT_POOL_SIZE = 20
DEFAULT_POOL_TIMEOUT_SECONDS = 2.0
# Background writers (the outbox worker) answer no one within 3 s; they may wait their turn longer.
BACKGROUND_WRITE_WAIT_SECONDS = 30.0
HEALTH_PING_TIMEOUT_SECONDS = 1.0
# Execution option marking connections whose statements run outside any transaction (reads).
AUTOCOMMIT_OPTION = "crisp_autocommit"


class DatabaseBusy(Exception):
    """No connection (or, on SQLite, no turn at writing) came free in time."""


class NestedDatabaseScope(RuntimeError):
    """A task opened a database scope inside another: it would hold one connection while waiting for
    a second, which is how a burst of requests drains the pool."""


def create_engine(url: str, **kwargs) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, **kwargs)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        event.listen(engine.sync_engine, "begin", _begin_sqlite)
        return engine
    engine = create_async_engine(url, pool_recycle=POOL_RECYCLE_SECONDS, **kwargs)
    _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: AsyncEngine) -> None:
    """Check a pooled connection before use only if it sat idle a while (as HikariCP does): a ping on
    every checkout would add a round trip to every command; a connection used a moment ago is alive."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _taken(dbapi_connection, record, _proxy) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool throws this connection away and hands out a fresh one.
            raise DisconnectionError("pooled connection is dead") from exc


def _configure_sqlite(dbapi_connection, _record) -> None:
    # SQLAlchemy, not the driver, decides when a transaction begins (see _begin_sqlite).
    dbapi_connection.isolation_level = None
    # WAL lets readers (the ack path) proceed while a writer works; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    try:
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _begin_sqlite(connection) -> None:
    """Writes take SQLite's write lock up front: a deferred transaction that read first cannot upgrade
    once another connection has committed, and fails at once instead of waiting its turn."""
    if connection.get_execution_options().get(AUTOCOMMIT_OPTION):
        return  # reads run statement by statement, as the driver would
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _use_wal(cursor) -> None:
    """Switching a new file to WAL needs a moment of exclusive access, and SQLite answers 'locked'
    there without waiting: when processes start together on a new file, try again briefly."""
    for attempt in range(WAL_SWITCH_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:
            if "locked" not in str(exc) or attempt == WAL_SWITCH_ATTEMPTS - 1:
                raise
            time.sleep(0.02)  # only ever at connect time, on a brand-new database file


def _is_busy(exc: BaseException) -> bool:
    if isinstance(exc, (PoolTimeoutError, WriterBusy, NoConnection)):
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def is_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached (down, restarting, dropped, network gone): nothing Crisp did wrong,
    and nothing a retry in a while would not fix."""
    if isinstance(exc, (OSError, DisconnectionError, InterfaceError, OperationalError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


# The task's open database scope: (owning task, "read" | "write", its read session). A task started inside
# a scope inherits the variable but not the scope: the owner check keeps it from sharing a session.
_Scope = tuple[asyncio.Task | None, str, AsyncSession | None]
_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("crisp_db_scope", default=None)


def _current_scope() -> tuple[str | None, AsyncSession | None]:
    scope = _scope.get()
    if scope is None or scope[0] is not asyncio.current_task():
        return None, None
    return scope[1], scope[2]


_background: contextvars.ContextVar[bool] = contextvars.ContextVar("crisp_db_background", default=False)


class WriterTurns:
    """SQLite's one writer, taken in turns: writers someone is waiting for (a command, a button) go
    before background ones (the outbox worker), each group first come, first served."""

    def __init__(self) -> None:
        self._held = False
        self._waiting: dict[bool, collections.deque[asyncio.Future]] = {False: collections.deque(),
                                                                        True: collections.deque()}

    async def acquire(self, *, background: bool = False) -> None:
        if not self._held and not self._waiting[False] and not self._waiting[True]:
            self._held = True
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiting[background].append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed the turn just as the wait was given up: pass it on
            else:
                self._waiting[background].remove(turn)
            raise

    def release(self) -> None:
        for background in (False, True):
            queue = self._waiting[background]
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)  # still held: handed straight to the next writer
                    return
        self._held = False


class Database:
    """Owns the engines; hands out sessions under the connection rules above.

    On SQLite, sessions run inline on the loop's thread (storage.inline_sqlite); `engine` (aiosqlite)
    remains for migrations and tools. On PostgreSQL every session is an AsyncSession on asyncpg."""

    def __init__(self, url: str, *, pool_size: int = DEFAULT_POOL_SIZE,
                 pool_timeout: float = DEFAULT_POOL_TIMEOUT_SECONDS, **engine_kwargs):
        self.url = url
        self.pool_timeout = pool_timeout
        # No overflow: connections opened in a burst stay open for the next one instead of being closed
        # and opened again (a new PostgreSQL connection costs a handshake, with TLS often two).
        self.engine = create_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=pool_timeout,
                                    **engine_kwargs)
        self.health_engine: AsyncEngine | None = None
        self._inline_engine = None
        if self.engine.dialect.name == "sqlite":
            self._inline_engine = create_inline_engine(url, configure=_configure_sqlite, begin=_begin_sqlite,
                                                       pool_size=pool_size)
            sessions = sessionmaker(self._inline_engine, expire_on_commit=False)
            reads = sessionmaker(self._inline_engine.execution_options(**{AUTOCOMMIT_OPTION: True}),
                                 expire_on_commit=False)
            slots = ConnectionSlots(pool_size, self._wait_limit)
            self._sessions = lambda: self._inline_session(sessions, slots)
            self._reads = lambda: self._inline_session(reads, slots)
        else:
            self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
            # Reads skip BEGIN/ROLLBACK round trips.
            read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
            self._reads = async_sessionmaker(read_engine, class_=AsyncSession, expire_on_commit=False)
        # SQLite has one writer per file; queueing here costs no connection, queueing in SQLite would.
        self._sqlite_writer = WriterTurns() if self.engine.dialect.name == "sqlite" else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def pool(self):
        """The pool that sessions take their connections from."""
        return (self._inline_engine or self.engine.sync_engine).pool

    @staticmethod
    @asynccontextmanager
    async def _inline_session(make: sessionmaker, slots: ConnectionSlots) -> AsyncIterator[InlineSession]:
        session = InlineSession(make(), slots)
        try:
            yield session
        finally:
            await session.close()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for plain reads (each statement sees the latest committed data). Never write in it.
        A transaction opened later in the same task takes its connection back first."""
        kind, outer = _current_scope()
        if kind == "read" and outer is not None:
            yield outer  # a read inside a read shares the task's one connection
            return
        self._check_not_nested("read")
        token = None
        try:
            async with self._reads() as session:
                token = _scope.set((asyncio.current_task(), "read", session))
                yield session
        except Exception as exc:
            if _is_busy(exc):
                raise DatabaseBusy(str(exc).splitlines()[0]) from exc
            raise
        finally:
            if token is not None:
                _scope.reset(token)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed on success and rolled back on error."""
        async with self._writing() as session:
            yield session
            await session.commit()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session the caller commits itself (tests, tools). It writes under the same rules as
        `transaction()`; for reads use `read()`."""
        async with self._writing() as session:
            yield session

    def _wait_limit(self) -> float:
        return BACKGROUND_WRITE_WAIT_SECONDS if _background.get() else self.pool_timeout

    @staticmethod
    @contextlib.contextmanager
    def background() -> Iterator[None]:
        """Writes made inside (and in tasks started inside) wait behind requests someone is waiting
        for, and wait longer: the outbox worker's bookkeeping must not delay an answer to Slack."""
        token = _background.set(True)
        try:
            yield
        finally:
            _background.reset(token)

    async def release_reads(self) -> None:
        """Hand back the connection of this task's read session, e.g. before waiting on Slack.
        The session stays usable and takes a connection again if it is used again."""
        kind, held = _current_scope()
        if kind == "read" and held is not None:
            await held.close()

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncSession]:
        await self.release_reads()
        self._check_not_nested("write")
        token = _scope.set((asyncio.current_task(), "write", None))
        acquired = False
        deadline = time.monotonic() + self.pool_timeout
        try:
            if self._sqlite_writer is not None:
                background = _background.get()
                wait = self._wait_limit()
                deadline = time.monotonic() + wait
                try:
                    await asyncio.wait_for(self._sqlite_writer.acquire(background=background), wait)
                except TimeoutError:
                    raise DatabaseBusy(f"no turn to write within {wait:g} s") from None
                acquired = True
            async with self._sessions() as session:
                if isinstance(session, InlineSession):
                    await begin_writing(session, deadline)
                yield session
        except Exception as exc:
            if _is_busy(exc):
                raise DatabaseBusy(str(exc).splitlines()[0]) from exc
            raise
        finally:
            if acquired:
                self._sqlite_writer.release()
            _scope.reset(token)

    @staticmethod
    def _check_not_nested(kind: str) -> None:
        outer, _ = _current_scope()
        if outer == "write":
            raise NestedDatabaseScope(f"a {kind} session was opened inside a write session of the same task")

    async def ping(self) -> bool:
        """Whether the database answers, through a connection reserved for health checks."""
        if self.health_engine is None:
            # Outside any transaction: a ping must not queue for SQLite's write lock either.
            autocommit = {"execution_options": {AUTOCOMMIT_OPTION: True}} if self.dialect == "sqlite" else \
                {"isolation_level": "AUTOCOMMIT"}
            self.health_engine = create_engine(self.url, pool_size=1, max_overflow=1,
                                               pool_timeout=HEALTH_PING_TIMEOUT_SECONDS, **autocommit)
        try:
            async with asyncio.timeout(HEALTH_PING_TIMEOUT_SECONDS * 2):
                async with self.health_engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._inline_engine is not None:
            self._inline_engine.dispose()
        if self.health_engine is not None:
            await self.health_engine.dispose()

    async def settle_after_failed_connect(self, timeout: float = 0.2) -> None:
        """After a failed connect aiosqlite stops its worker thread with a callback into the event loop;
        if the process exits first, that thread prints a traceback about a closed loop. Give such
        threads a moment to end (a live connection's thread just waits out the timeout)."""
        await self.dispose()
        if self.dialect != "sqlite":
            return
        for worker in threading.enumerate():
            if getattr(worker, "_target", None) is _aiosqlite_worker:
                await asyncio.to_thread(worker.join, timeout)
