"""Engine and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_SECONDS = 30
PING_AFTER_IDLE_SECONDS = 5
POOL_RECYCLE_SECONDS = 1800
WAL_SWITCH_ATTEMPTS = 100


def create_engine(url: str, **kwargs) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, **kwargs)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
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
    # WAL lets readers (the ack path) proceed while the outbox worker writes;
    # foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    try:
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


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


class Database:
    """Owns the engine; hands out sessions."""

    def __init__(self, url: str, **engine_kwargs):
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        # Reads on the ack path skip BEGIN/ROLLBACK round trips on PostgreSQL. (SQLite's driver opens
        # no transaction for a SELECT anyway, and switching its isolation level costs thread hops.)
        read_engine = self.engine
        if self.engine.dialect.name == "postgresql":
            read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._reads = async_sessionmaker(read_engine, class_=AsyncSession, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session for writes the caller commits itself, or reads that must see one snapshot."""
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for plain reads (each statement sees the latest committed data). Never write in it."""
        async with self._reads() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed on success and rolled back on error."""
        async with self._sessions() as session, session.begin():
            yield session

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
