"""Connections: a task holds at most one, waits are bounded, SQLite writers queue in-process; on
PostgreSQL a pooled connection that sat idle is checked before use and a dead one is replaced."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import storage.db
from storage.db import Database, DatabaseBusy, NestedDatabaseScope, WriterTurns, create_engine


async def kill_other_backends(database_url: str) -> None:
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    await admin.dispose()


@pytest.fixture
def postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server connections to lose")
    return database_url


async def test_an_idle_connection_that_died_is_replaced_before_use(postgres_only, monkeypatch):
    monkeypatch.setattr(storage.db, "PING_AFTER_IDLE_SECONDS", 0)
    engine = create_engine(postgres_only)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        await kill_other_backends(postgres_only)  # e.g. the database restarted
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 42"))).scalar_one() == 42
    finally:
        await engine.dispose()


async def test_a_connection_used_a_moment_ago_is_not_pinged(postgres_only, monkeypatch):
    """The other side of the trade: no ping round trip for a hot connection (so it can fail once)."""
    monkeypatch.setattr(storage.db, "PING_AFTER_IDLE_SECONDS", 3600)
    engine = create_engine(postgres_only)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        await kill_other_backends(postgres_only)
        with pytest.raises(DBAPIError):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        async with engine.connect() as connection:  # the pool replaced it
            assert (await connection.execute(text("SELECT 7"))).scalar_one() == 7
    finally:
        await engine.dispose()


# -- one connection per task --------------------------------------------------------------------------

async def test_a_transaction_takes_back_the_tasks_read_connection_first(database_url):
    db = Database(database_url, pool_size=1, pool_timeout=0.5)
    try:
        async with db.read() as reads:
            await reads.execute(text("SELECT 1"))
            assert db.pool.checkedout() == 1
            async with db.transaction() as session:
                await session.execute(text("SELECT 2"))
                assert db.pool.checkedout() == 1  # the read's connection came back
            assert (await reads.execute(text("SELECT 3"))).scalar_one() == 3  # and reads go on after
    finally:
        await db.dispose()


async def test_a_read_inside_a_read_shares_its_session(database_url):
    db = Database(database_url)
    try:
        async with db.read() as outer, db.read() as inner:
            assert inner is outer
    finally:
        await db.dispose()


async def test_opening_a_session_inside_a_transaction_is_refused_at_once(database_url):
    db = Database(database_url)
    try:
        async with db.transaction():
            with pytest.raises(NestedDatabaseScope):
                async with db.transaction():
                    pass
            with pytest.raises(NestedDatabaseScope):
                async with db.read():
                    pass
    finally:
        await db.dispose()


async def test_a_full_pool_raises_busy_after_the_timeout(database_url):
    db = Database(database_url, pool_size=1, pool_timeout=0.2)
    release = asyncio.Event()
    holding = asyncio.Event()

    async def hold_a_connection() -> None:
        async with db.read() as reads:
            await reads.execute(text("SELECT 1"))
            holding.set()
            await release.wait()

    holders = []
    try:
        for _ in range(1):  # pool size 1
            holding.clear()
            holders.append(asyncio.create_task(hold_a_connection()))
            await holding.wait()
        with pytest.raises(DatabaseBusy):
            async with db.read() as reads:
                await reads.execute(text("SELECT 1"))
        with pytest.raises(DatabaseBusy):
            async with db.transaction() as session:
                await session.execute(text("SELECT 1"))
        release.set()
        await asyncio.gather(*holders)
        async with db.read() as reads:  # and usable again once they let go
            assert (await reads.execute(text("SELECT 5"))).scalar_one() == 5
    finally:
        release.set()
        await db.dispose()


async def test_sqlite_writers_queue_in_process_and_give_up_busy(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has many writers")
    db = Database(database_url, pool_timeout=0.2)
    try:
        async with db.transaction():
            # Another task's write waits its turn without taking a connection, then reports busy.
            async def write() -> None:
                async with db.transaction() as session:
                    await session.execute(text("SELECT 1"))
            checked_out = db.pool.checkedout()
            with pytest.raises(DatabaseBusy):
                await asyncio.create_task(write())
            assert db.pool.checkedout() == checked_out
    finally:
        await db.dispose()


async def test_writers_someone_waits_for_go_before_background_writers():
    turns = WriterTurns()
    order: list[str] = []
    await turns.acquire()

    async def write(name: str, *, background: bool) -> None:
        await turns.acquire(background=background)
        order.append(name)
        turns.release()

    waiting = [asyncio.create_task(write("worker-1", background=True)),
               asyncio.create_task(write("worker-2", background=True))]
    await asyncio.sleep(0)
    waiting.append(asyncio.create_task(write("command", background=False)))
    await asyncio.sleep(0)
    turns.release()
    await asyncio.gather(*waiting)
    assert order == ["command", "worker-1", "worker-2"]


async def test_a_writer_that_gives_up_waiting_does_not_keep_the_turn():
    turns = WriterTurns()
    await turns.acquire()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(turns.acquire(), 0.01)
    turns.release()
    await asyncio.wait_for(turns.acquire(background=True), 1)  # free again, not held by the quitter
