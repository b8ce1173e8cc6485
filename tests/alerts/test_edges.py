"""Bodies a sender may send that once broke ingest: concurrent lists in different orders, numbers and
URLs at the edge of what the columns hold."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import select

from storage.tables import AlertGroup

from tests.alerts.conftest import sample
from tests.handlers.conftest import log_records, table_counts  # noqa: F401  (fixture)


async def test_bodies_naming_the_same_groups_in_different_orders_are_all_stored(runtime, alerts, log_records):
    items = [{"title": f"Latency {n}", "status": "firing", "severity": "warning", "fingerprint": f"fp-{n}"}
             for n in range(30)]
    bodies = []
    for seed in range(12):
        shuffled = list(items)
        random.Random(seed).shuffle(shuffled)
        bodies.append(shuffled)
    answers = await asyncio.gather(*(alerts.post("generic", body) for body in bodies))
    assert [a.status for a in answers] == [202] * len(bodies)
    assert log_records.errors == []
    counts = await table_counts(runtime.db)
    assert counts["alert_group"] == 30 and counts["alert"] == 30


async def test_numbers_and_urls_at_the_edge_give_the_same_answer_on_every_database(runtime, alerts, log_records):
    snapshot = sample("evidently_datadrift_report")
    text = str(snapshot)
    assert "value" in text  # the sample carries metric values to overflow
    huge = int("9" * 400)

    def overflow(node):
        if isinstance(node, dict):
            return {k: (huge if k in ("value", "threshold") and isinstance(v, (int, float)) else overflow(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [overflow(v) for v in node]
        return node

    answer = await alerts.post("evidently", overflow(snapshot), query="?project=churn-radar")
    assert answer.status in (202, 400), answer.text

    body = sample("alertmanager_firing")
    too_many = await alerts.post("alertmanager", {**body, "truncatedAlerts": 2**31})
    assert too_many.status == 400 and "truncatedAlerts" in too_many.text
    long_url = await alerts.post("alertmanager", {**body, "externalURL": "https://am.example/" + "a" * 900})
    assert long_url.status == 202, long_url.text
    assert log_records.errors == []


async def test_a_start_dated_in_the_future_counts_from_when_it_arrived(runtime, alerts, clock):
    answer = await alerts.post("generic", {"title": "Clock skew", "status": "firing", "severity": "critical",
                                           "starts_at": "9999-01-01T00:00:00Z"})
    assert answer.status == 202, answer.text
    async with runtime.db.read() as session:
        [group] = (await session.execute(select(AlertGroup))).scalars().all()
    assert group.started_at == clock.now()
