"""Alembic migrations: they build exactly the tables the code declares, and starting twice is safe."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import storage.tables  # noqa: F401
from storage.db import create_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade_to_head


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
        assert tables == sorted(["alembic_version", *SQLModel.metadata.tables])
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


def upgrade_to(sync, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = sync
    command.upgrade(config, revision)


async def test_links_by_outbox_row_become_message_keys(empty_database_url):
    """0002: an update waiting on a sent post (linked by ref_id) now finds it by key, beyond the purge."""
    engine = create_engine(empty_database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(upgrade_to, "0001")
            columns = ("team_id, method, lane, payload, status, attempts, next_attempt_at, maybe_sent, created_at")
            await connection.execute(text(
                f"INSERT INTO outbox (id, {columns}, result_channel, result_ts, sent_at) VALUES "
                "(1, 'T1', 'chat.postMessage', 'T1:C1', '{}', 'sent', 1, '2026-01-05 09:00:00', false, "
                "'2026-01-05 09:00:00', 'C1', '1767603600.000100', '2026-01-05 09:00:01')"))
            await connection.execute(text(
                f"INSERT INTO outbox (id, {columns}, ref_id, ref_field, replace_key) VALUES "
                "(2, 'T1', 'chat.update', 'T1:C1', '{}', 'pending', 0, '2026-01-05 09:00:00', false, "
                "'2026-01-05 09:00:00', 1, 'ts', 'update:1')"))
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            rows = (await connection.execute(text(
                "SELECT id, message_key, ref_key, ref_field, replace_key FROM outbox ORDER BY id"))).all()
            posted = (await connection.execute(text("SELECT team_id, key, channel, ts FROM slack_message"))).all()
        assert [tuple(r) for r in rows] == [(1, "outbox:1", None, None, None),
                                            (2, None, "outbox:1", "ts", "update:T1:outbox:1")]
        assert [tuple(r) for r in posted] == [("T1", "outbox:1", "C1", "1767603600.000100")]
    finally:
        await engine.dispose()


async def test_existing_projects_begin_their_history_with_their_first_phase(empty_database_url):
    """0003: a project created before phase history existed has its start as the first transition."""
    engine = create_engine(empty_database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(upgrade_to, "0002")
            await connection.execute(text(
                "INSERT INTO project (id, team_id, channel_id, name, slug, phase, phase_since, iteration, "
                "created_by, created_at) VALUES (7, 'T1', 'C1', 'Churn', 'churn', 'modeling', "
                "'2026-03-02 10:00:00', 2, 'U1', '2026-01-05 09:00:00')"))
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            rows = (await connection.execute(text(
                "SELECT project_id, from_phase, to_phase, iteration, actor_id FROM phase_transition"))).all()
        assert [tuple(r) for r in rows] == [(7, None, "modeling", 2, "U1")]
    finally:
        await engine.dispose()
