"""Scheduled sweeps: stateless, logged and counted, driven by the fake clock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.scheduler import JOBS, build_scheduler, run_job
from storage.tables import OutboxMessage, OutboxStatus
from tests.outbox.test_delivery import enqueue


async def test_old_settled_outbox_rows_are_purged_and_open_ones_kept(runtime, standin, clock, drain):
    await enqueue(runtime, ("C0A", "old news"))
    await drain()
    clock.advance(days=8)
    await enqueue(runtime, ("C0A", "fresh"))
    job, _ = JOBS["outbox.purge"]
    await run_job(runtime.services, "outbox.purge", job)
    async with runtime.db.session() as session:
        rows = list((await session.execute(select(OutboxMessage))).scalars())
    assert [(r.payload["text"], r.status) for r in rows] == [("fresh", OutboxStatus.PENDING)]
    assert 'crisp_job_runs_total{job="outbox.purge",outcome="ok"} 1.0' in runtime.metrics.exposition().decode()


async def test_an_open_update_outlives_the_purge_of_its_post(runtime, standin, clock, drain):
    async with runtime.db.transaction() as session:
        await runtime.outbox.post(session, "T0CRISP", "C0A", {"text": "v1"}, key="status:1")
    await drain()
    clock.advance(days=8)
    async with runtime.db.transaction() as session:
        await runtime.outbox.update(session, "T0CRISP", "status:1", {"text": "v2"})
    await run_job(runtime.services, "outbox.purge", JOBS["outbox.purge"][0])
    await drain()
    assert [m["text"] for m in standin.messages("C0A")] == ["v2"]


async def test_a_failing_job_is_logged_and_counted_not_raised(runtime, caplog):
    async def broken(services) -> str:
        raise RuntimeError("sweep failed")

    await run_job(runtime.services, "broken", broken)
    assert 'crisp_job_runs_total{job="broken",outcome="error"} 1.0' in runtime.metrics.exposition().decode()
    assert any("job run name=broken outcome=error" in r.getMessage() for r in caplog.records)


async def test_every_job_is_scheduled_once_with_overlap_guards(runtime):
    scheduler = build_scheduler(runtime.services)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS)
    for job in jobs.values():
        assert job.max_instances == 1 and job.coalesce is True
        assert job.trigger.interval == timedelta(seconds=JOBS[job.id][1])
