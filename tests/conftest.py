"""Shared fixtures: a real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the Slack
stand-in, a fake clock, and the running app reached through signed HTTP requests."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from bot.clock import FakeClock
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack_standin import SlackStandIn
from storage.db import Database, create_engine
from storage.migrate import upgrade_to_head
from storage.queries import outbox as outbox_rows
from storage.tables import OutboxStatus
from tests.slack_client import SlackTestClient

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-0000-crisp"
ADMIN = "U0ADMIN"


def _run(coro):
    """Run set-up work on its own loop in a thread: session fixtures may be reached from a running loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """A migrated SQLite file; each test gets a copy (faster than migrating every time)."""
    path = tmp_path_factory.mktemp("template") / "crisp.db"
    _run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return str(path)


async def _admin(statement: str) -> None:
    engine = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _new_postgres_database() -> tuple[str, str]:
    """An empty database of its own on TEST_DATABASE_URL's server: (name, url)."""
    name = f"crisp_test_{uuid.uuid4().hex[:10]}"
    _run(_admin(f'CREATE DATABASE "{name}"'))
    return name, make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A migrated database for this test run; tests empty its tables between them."""
    name, url = _new_postgres_database()
    _run(_migrate(url))
    yield url
    _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path) -> str:
    """A database with no tables at all, for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    name, url = _new_postgres_database()
    yield url
    _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate(url: str) -> None:
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def database_url(request, tmp_path) -> AsyncIterator[str]:
    """An empty, migrated database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "crisp.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        await _truncate(url)
        yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def standin(clock) -> AsyncIterator[SlackStandIn]:
    stand_in = SlackStandIn(clock=lambda: clock.now().timestamp())
    await stand_in.start()
    for user_id, name in ((ADMIN, "admin"), ("U0ALICE", "alice"), ("U0BOB", "bob")):
        stand_in.add_user(user_id, name)
    yield stand_in
    await stand_in.stop()


def make_settings(database_url: str, api_url: str, **overrides) -> Settings:
    values = dict(
        slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_app_token=None,
        slack_api_url=api_url, database_url=database_url, host="127.0.0.1", port=0,
        crisp_admins=ADMIN, scheduler_enabled=False, alert_token=None, alert_hmac_secret=None,
        alert_channel=None, slash_command="/crisp", default_timezone="UTC", log_level="INFO", log_format="text",
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
async def runtime(database_url, standin, clock) -> AsyncIterator[Runtime]:
    """The whole app on a real port, its outbox worker left to the test (drain it explicitly)."""
    rt = Runtime(make_settings(database_url, standin.base_url), clock=clock)
    await rt.start(http=True, worker=False)
    yield rt
    await rt.stop()


@pytest.fixture
async def slack(runtime, clock) -> AsyncIterator[SlackTestClient]:
    client = SlackTestClient(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET, clock)
    yield client
    await client.close()


@pytest.fixture
def drain(runtime, clock):
    """Send everything the outbox holds, jumping the fake clock over waits."""
    async def run() -> None:
        await runtime.worker.drain(advance=lambda seconds: clock.advance(seconds))
    return run


async def wait_for_drained_outbox(database_url: str, timeout: float = 20.0) -> dict[str, int]:
    """Wait until no outbox row is pending or in flight, in whatever process sends them; after that nothing
    more can be sent, so counting posts then proves that nothing went out twice. Returns rows by status."""
    db = Database(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            async with db.read() as session:
                counts = await outbox_rows.count_by_status(session)
            if not counts.get(OutboxStatus.PENDING) and not counts.get(OutboxStatus.SENDING):
                return counts
            assert time.monotonic() < deadline, f"the outbox did not drain: {counts}"
            await asyncio.sleep(0.05)  # polling another process's progress, not waiting for time to pass
    finally:
        await db.dispose()


async def count_rows(runtime: Runtime, table) -> int:
    """Rows in `table` now (e.g. to show that an answer changed nothing)."""
    async with runtime.db.read() as session:
        return (await session.execute(select(func.count()).select_from(table))).scalar_one()
