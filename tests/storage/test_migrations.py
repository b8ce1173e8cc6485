"""Alembic migrations: they build exactly the tables the code declares, and starting twice is safe."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.tables  # noqa: F401
from storage.db import create_engine
from storage.migrate import current_revision, head_revision, upgrade_to_head


async def test_the_migrated_schema_matches_the_tables_in_code(database_url):
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}),
                                              SQLModel.metadata))
        assert differences == []
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()


async def test_upgrading_again_changes_nothing(database_url):
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: sorted(inspect(sync).get_table_names()))
        assert tables == ["alembic_version", "audit_log", "outbox", "outbox_throttle", "project", "slack_message"]
    finally:
        await engine.dispose()


async def test_processes_starting_together_on_a_new_database_both_succeed(empty_database_url):
    """web and clock start at once: one migrates, the others wait and find it done."""
    engines = [create_engine(empty_database_url) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade_to_head(engine) for engine in engines))
        assert await current_revision(engines[0]) == head_revision()
        async with engines[0].connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert {"project", "audit_log", "outbox", "outbox_throttle", "slack_message"} <= tables
    finally:
        for engine in engines:
            await engine.dispose()
