"""Helpers for requests that must be refused: what they logged, and proof that they changed nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from storage.db import Database


class LogRecords(logging.Handler):
    """Every record at WARNING or above, from any logger, while the test runs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def clear(self) -> None:
        self.records.clear()

    @property
    def errors(self) -> list[logging.LogRecord]:
        return [r for r in self.records if r.levelno >= logging.ERROR]

    @property
    def warnings(self) -> list[logging.LogRecord]:
        return [r for r in self.records if r.levelno == logging.WARNING]


@pytest.fixture
def log_records() -> Iterator[LogRecords]:
    handler = LogRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


async def table_counts(db: Database) -> dict[str, int]:
    """Rows in every table: equal before and after means a request stored nothing."""
    async with db.session() as session:
        return {table.name: (await session.execute(select(func.count()).select_from(table))).scalar_one()
                for table in SQLModel.metadata.sorted_tables}
