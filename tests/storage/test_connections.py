"""Pooled PostgreSQL connections: one that sat idle is checked before use; a dead one is replaced."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import storage.db
from storage.db import create_engine


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
