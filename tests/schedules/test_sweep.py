"""The schedule sweep: a slot runs once when it has passed, however often and in however many processes
the sweep runs; after downtime only the latest missed slot runs, within the grace; Slack being down delays
the DMs and neither drops nor doubles them."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import select

from bot.runtime import Runtime
from bot.scheduler import JOBS
from storage.tables import ScheduleRun
from tests.conftest import make_settings, wait_for_drained_outbox
from tests.schedules.helpers import ALICE, BOB, CHANNEL, dms_to, project_with_team, sweep


async def runs(runtime) -> list[ScheduleRun]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(ScheduleRun).order_by(ScheduleRun.id))).scalars())


async def another_process(runtime, standin, clock) -> Runtime:
    """A second bot process on the same database (its own engine, outbox and worker)."""
    other = Runtime(make_settings(runtime.settings.database_url, standin.base_url), clock=clock)
    await other.start(http=False, worker=False)
    return other


async def test_a_slot_runs_once_when_it_has_passed(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    await slack.command("checkin every weekdays at 09:00", channel=CHANNEL)
    await drain()
    standin.calls.clear()
    clock.advance(minutes=59)
    assert "ran=0" in await sweep(runtime, drain)
    assert dms_to(standin, ALICE) == []
    clock.advance(minutes=1)
    assert "ran=1" in await sweep(runtime, drain)
    assert len(dms_to(standin, ALICE)) == 1 and len(dms_to(standin, BOB)) == 1
    clock.advance(seconds=30)
    assert "ran=0" in await sweep(runtime, drain)
    assert len(dms_to(standin, ALICE)) == 1
    [run] = await runs(runtime)
    assert run.slot.hour == 9 and sorted(run.asked) == [ALICE, BOB]


async def test_stopped_before_a_slot_and_started_after_it_runs_once(runtime, slack, standin, clock, drain, caplog):
    await project_with_team(slack, clock)
    await slack.command("checkin every daily at 09:00", channel=CHANNEL)
    await drain()
    standin.calls.clear()
    # Down from 08:00 Monday until 11:00 Wednesday: Monday's and Tuesday's slots are long gone, Wednesday's
    # is two hours old (within the 6 h grace).
    clock.advance(days=2, hours=3)
    first = await another_process(runtime, standin, clock)
    try:
        assert "ran=1" in await sweep(first)
        await first.worker.drain(advance=lambda s: clock.advance(s))
    finally:
        await first.stop()
    assert len(dms_to(standin, ALICE)) == 1 and len(dms_to(standin, BOB)) == 1
    second = await another_process(runtime, standin, clock)  # started again: nothing more
    try:
        assert "ran=0" in await sweep(second)
        await second.worker.drain(advance=lambda s: clock.advance(s))
    finally:
        await second.stop()
    assert len(dms_to(standin, ALICE)) == 1
    assert [(r.slot.day, r.skipped) for r in await runs(runtime)] == [(7, False)]


async def test_a_slot_found_past_the_grace_is_skipped_and_logged(runtime, slack, standin, clock, drain, caplog):
    await project_with_team(slack, clock)
    await slack.command("checkin every weekdays at 09:00", channel=CHANNEL)
    await drain()
    standin.calls.clear()
    clock.advance(hours=7, minutes=1)  # 15:01: the 09:00 slot is 6 h 1 min old
    with caplog.at_level(logging.WARNING, logger="crisp.schedules"):
        assert "skipped=1" in await sweep(runtime, drain)
    assert any("skipped" in r.getMessage() for r in caplog.records)
    assert dms_to(standin, ALICE) == []
    assert "skipped=0" in await sweep(runtime, drain)  # logged once: the skip is recorded
    clock.advance(days=1)  # Tuesday 15:01; the next slot Tuesday 09:00 is also too old
    assert "skipped=1" in await sweep(runtime, drain)
    clock.set(clock.now().replace(hour=9, minute=0) + timedelta(days=1, seconds=5))  # Wednesday 09:00:05
    assert "ran=1" in await sweep(runtime, drain)
    assert len(dms_to(standin, ALICE)) == 1


async def test_two_processes_sweeping_together_send_each_dm_once(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    await slack.command("checkin every weekdays at 09:00", channel=CHANNEL)
    await slack.command("digest every weekdays at 09:00", channel=CHANNEL)
    await slack.command(f"stakeholder add <@{ALICE}|alice>", channel=CHANNEL)
    await drain()
    standin.calls.clear()
    clock.advance(hours=1, seconds=1)
    other = await another_process(runtime, standin, clock)
    try:
        summaries = await asyncio.gather(*(sweep(rt) for rt in (runtime, other, runtime, other)))
        assert sum(int(s.split("ran=")[1].split()[0]) for s in summaries) == 2  # the check-in and the digest
        await asyncio.gather(runtime.worker.drain(advance=lambda s: clock.advance(s)),
                             other.worker.drain(advance=lambda s: clock.advance(s)))
        await wait_for_drained_outbox(runtime.settings.database_url)
    finally:
        await other.stop()
    alice = [c.args["text"] for c in dms_to(standin, ALICE)]
    assert sum("Check-in time" in t for t in alice) == 1
    assert sum("digest" in t for t in alice) == 1
    assert len(dms_to(standin, BOB)) == 1
    assert len(await runs(runtime)) == 2


async def test_slack_down_at_the_slot_delays_the_dms_without_dropping_or_doubling(
        runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    await slack.command("checkin every weekdays at 09:00", channel=CHANNEL)
    await drain()
    standin.calls.clear()
    clock.advance(hours=1, seconds=1)
    standin.fail("*", status=503, times=10_000)
    assert "ran=1" in await sweep(runtime)
    for _ in range(3):  # the worker tries and fails; the sweep keeps running and adds nothing
        await runtime.worker.run_once()
        clock.advance(minutes=1)
        assert "ran=0" in await sweep(runtime)
    assert dms_to(standin, ALICE) == []
    standin.recover()
    await drain()
    assert len(dms_to(standin, ALICE)) == 1 and len(dms_to(standin, BOB)) == 1


def test_the_sweep_is_scheduled_every_30_seconds():
    assert JOBS["schedules.sweep"][1] == 30
