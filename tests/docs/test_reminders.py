"""Documentation reminders under the injected clock: 2 days after the request, then every 3 days, at most 3;
after the third the request is overdue (in `docs` and on the status card). A submission stops them.
Sweeps racing each other send each reminder once."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from sqlalchemy import select

from bot.docs.sweep import docs_sweep
from storage.tables import DocRequest
from tests.docs.helpers import ALICE, BOB, CHANNEL, dms_to, doc_values, open_docs_form, project_in_modeling


def reminders(standin, user: str) -> list:
    return [c for c in dms_to(standin, user) if "Reminder" in c.args["text"]]


async def sweep(runtime, drain, times: int = 1) -> None:
    await asyncio.gather(*(docs_sweep(runtime.services) for _ in range(times)))
    await drain()


async def request_row(runtime) -> DocRequest:
    async with runtime.db.read() as session:
        return (await session.execute(select(DocRequest))).scalars().one()


async def asked_for_modeling(runtime, slack, clock, drain):
    """Alice (data scientist) asked for the Modeling record; returns when."""
    await project_in_modeling(runtime, slack, clock)
    await slack.command("milestone add Baseline", channel=CHANNEL, user=ALICE)
    await slack.command("milestone done Baseline", channel=CHANNEL, user=ALICE)
    await drain()
    return clock.now()


async def test_reminders_follow_the_schedule_and_the_request_becomes_overdue(runtime, slack, standin, clock, drain):
    asked_at = await asked_for_modeling(runtime, slack, clock, drain)
    standin.calls.clear()

    schedule = [timedelta(days=2), timedelta(days=5), timedelta(days=8)]
    for number, due in enumerate(schedule, start=1):
        clock.set(asked_at + due - timedelta(minutes=1))
        await sweep(runtime, drain)
        assert len(reminders(standin, ALICE)) == number - 1, f"reminder {number} came early"
        clock.set(asked_at + due)
        await sweep(runtime, drain, times=3)  # three processes at once: one reminder
        sent = reminders(standin, ALICE)
        assert len(sent) == number
        assert sent[-1].args["text"].startswith(f":hourglass_flowing_sand: Reminder {number} of 3: the Modeling record")
    assert reminders(standin, BOB) == []  # the ML engineer was not asked for Modeling

    row = await request_row(runtime)
    assert (row.reminders_sent, row.next_reminder_at, row.overdue_at) == (3, None, asked_at + schedule[-1])
    clock.advance(days=30)
    await sweep(runtime, drain)
    assert len(reminders(standin, ALICE)) == 3  # no fourth

    listing = await slack.command("docs", channel=CHANNEL)
    assert listing.json["text"].endswith("0 requested, 1 overdue")
    assert ":warning: *overdue*" in json.dumps(listing.json, ensure_ascii=False)
    card = await slack.command("status", channel=CHANNEL)
    assert "*Documentation:* :warning: *1 overdue*" in json.dumps(card.json, ensure_ascii=False)

    # Submitting it late still closes it.
    dm = reminders(standin, ALICE)[-1]
    form = await open_docs_form(slack, standin, dm.args, ALICE, "t-late", channel=dm.response["channel"])
    answer = await slack.submit(form, doc_values({"algorithm": "GBM", "metrics": "AUC 0.8"}), user=ALICE)
    assert answer.json == {}
    card = await slack.command("status", channel=CHANNEL)
    assert "*Documentation:* nothing pending" in json.dumps(card.json, ensure_ascii=False)


async def test_a_submission_stops_the_reminders(runtime, slack, standin, clock, drain):
    asked_at = await asked_for_modeling(runtime, slack, clock, drain)
    card = await slack.command("status", channel=CHANNEL)
    assert "*Documentation:* 1 requested" in json.dumps(card.json, ensure_ascii=False)
    clock.set(asked_at + timedelta(days=2))
    await sweep(runtime, drain)
    [first] = reminders(standin, ALICE)
    form = await open_docs_form(slack, standin, first.args, ALICE, "t-doc", channel=first.response["channel"])
    answer = await slack.submit(form, doc_values({"algorithm": "GBM", "metrics": "AUC 0.8"}), user=ALICE)
    assert answer.json == {}
    for days in (5, 8, 20):
        clock.set(asked_at + timedelta(days=days))
        await sweep(runtime, drain)
    assert len(reminders(standin, ALICE)) == 1
    row = await request_row(runtime)
    assert row.fulfilled_at is not None and row.overdue_at is None and row.reminders_sent == 1
