"""The digest's facts about milestones and documentation (bot.docs.summary.digest_facts)."""

from __future__ import annotations

from datetime import timedelta

from bot.docs.summary import digest_facts
from bot.docs.sweep import docs_sweep
from tests.docs.helpers import ALICE, CHANNEL, project_in_modeling


async def test_digest_facts_name_done_due_and_overdue(runtime, slack, standin, clock, drain):
    project = await project_in_modeling(runtime, slack, clock)
    start = clock.now()  # Monday 5 January
    for text in ("Baseline due 2026-01-06", "Audit due 2026-01-12", "Far off due 2026-03-01", "Undated"):
        await slack.command(f"milestone add {text}", channel=CHANNEL, user=ALICE)
    await slack.command("milestone done Undated", channel=CHANNEL, user=ALICE)
    for days in (2, 5, 8):  # the request's three reminders: overdue after the third
        clock.set(start + timedelta(days=days))
        await docs_sweep(runtime.services)
    async with runtime.db.read() as session:
        facts = await digest_facts(session, project.id, start - timedelta(days=1), clock.now())
        later = await digest_facts(session, project.id, clock.now(), clock.now())
    assert [m.name for m in facts.milestones_done] == ["Undated"]
    assert [m.name for m in facts.milestones_due] == ["Baseline", "Audit"]  # due by the 20th; overdue first
    assert [m.name for m in facts.overdue_milestones()] == ["Baseline", "Audit"]
    assert [(r.phase, r.reminders_sent) for r in facts.overdue_docs] == [("modeling", 3)]
    assert later.milestones_done == []
