"""Milestones over signed HTTP: added to the current phase and announced, duplicates refused, unknown names
answered with the open ones, listed overdue first, flagged on the status card, and an overdue one announced
once the day after its due date, however many sweeps (or processes) run."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

from sqlalchemy import select

from bot.docs.sweep import docs_sweep
from storage.tables import AuditEntry, Milestone
from tests.conftest import count_rows
from tests.docs.helpers import CHANNEL, channel_posts, project_in_modeling

HOSTILE = "Ship <!here> *v1* for <@U1> &amp; <!channel>"


async def test_adding_listing_and_completing_milestones(runtime, slack, standin, clock, drain):
    await project_in_modeling(runtime, slack, clock)
    await drain()
    standin.calls.clear()
    answer = await slack.command("milestone add Baseline model due 2026-01-09", channel=CHANNEL, user="U0ALICE")
    assert answer.json["text"] == "Milestone *Baseline model* added (due 2026-01-09); announced in the channel."
    await slack.command("milestone add Feature audit", channel=CHANNEL, user="U0ALICE")
    await slack.command("milestone add Error analysis due 2026-01-07", channel=CHANNEL, user="U0ALICE")
    await drain()
    [first, *_] = channel_posts(standin)
    assert ("<@U0ALICE> added the milestone *Baseline model* to Modeling of *Churn Radar* (due 2026-01-09)"
            in first.args["text"])
    async with runtime.db.read() as session:
        stored = (await session.execute(select(Milestone).order_by(Milestone.id))).scalars().all()
    assert [(m.name, m.phase, m.iteration, m.due) for m in stored] == [
        ("Baseline model", "modeling", 1, date(2026, 1, 9)), ("Feature audit", "modeling", 1, None),
        ("Error analysis", "modeling", 1, date(2026, 1, 7))]

    # Same name, other case and spacing: refused, nothing stored.
    answer = await slack.command("milestone add  baseline   MODEL ", channel=CHANNEL, user="U0ALICE")
    assert "already has a milestone called baseline MODEL; nothing was added" in answer.json["text"]
    assert await count_rows(runtime, Milestone) == 3
    card = await slack.command("status", channel=CHANNEL)
    assert "*Milestones:* 3 open · none overdue" in json.dumps(card.json, ensure_ascii=False)  # as README says

    clock.advance(days=3)  # Thursday 8 January: Error analysis (due the 7th) is overdue
    answer = await slack.command("milestones", channel=CHANNEL)
    shown = json.dumps(answer.json)
    assert answer.json["text"].startswith("Churn Radar: 3 open milestones, 1 overdue")
    order = [shown.index(name) for name in ("Error analysis", "Baseline model", "Feature audit")]
    assert order == sorted(order)
    assert "1 day overdue" in shown

    card = await slack.command("status", channel=CHANNEL)
    card_text = json.dumps(card.json, ensure_ascii=False)
    assert "*Milestones:* 3 open · :warning: *1 overdue*: Error analysis" in card_text

    # Unknown: an ephemeral line naming the open ones; nothing changed.
    answer = await slack.command("milestone done Basline", channel=CHANNEL, user="U0ALICE")
    assert answer.json["response_type"] == "ephemeral"
    assert "no milestone called Basline; nothing changed. Open ones: Error analysis, Baseline model, " \
           "Feature audit" in answer.json["text"]

    answer = await slack.command("milestone done BASELINE model", channel=CHANNEL, user="U0ALICE")
    assert answer.json["text"].startswith("Milestone *Baseline model* is done")
    answer = await slack.command("milestone done Baseline model", channel=CHANNEL, user="U0ALICE")
    assert "was completed by <@U0ALICE>" in answer.json["text"]
    await drain()
    assert any("completed the milestone *Baseline model*" in c.args["text"] for c in channel_posts(standin))
    answer = await slack.command("milestones", channel=CHANNEL)
    assert answer.json["text"] == "Churn Radar: 2 open milestones, 1 overdue; 1 done"
    async with runtime.db.read() as session:
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert actions.count("milestone.added") == 3 and actions.count("milestone.done") == 1


async def test_bad_input_changes_nothing(runtime, slack, standin, clock, drain):
    await project_in_modeling(runtime, slack, clock)
    for text, expected in [("milestone add", "A milestone needs a name"),
                           ("milestone add Baseline due 2026-02-30", "is not a date"),
                           ("milestone add Baseline due 2025-12-31", "has passed"),
                           ("milestone add " + "x" * 201, "keep it to 200"),
                           ("milestone done", "Say which milestone")]:
        answer = await slack.command(text, channel=CHANNEL, user="U0ALICE")
        assert answer.status == 200 and expected in answer.json["text"], (text, answer.json)
        assert answer.json["response_type"] == "ephemeral"
    answer = await slack.command("milestone done Anything", channel=CHANNEL, user="U0ALICE")
    assert "none is open" in answer.json["text"]
    # Someone without a role may read, not add.
    answer = await slack.command("milestone add Sneaky", channel=CHANNEL, user="U0NOBODY")
    assert answer.json["text"].startswith("Refused")
    answer = await slack.command("milestones", channel=CHANNEL, user="U0NOBODY")
    assert "no milestones yet" in answer.json["text"]
    assert await count_rows(runtime, Milestone) == 0
    # "due" inside a name that is not followed by a date is part of the name.
    answer = await slack.command("milestone add Review due diligence", channel=CHANNEL, user="U0ALICE")
    assert "*Review due diligence* added (no due date)" in answer.json["text"]


async def test_hostile_names_are_stored_as_typed_and_never_live(runtime, slack, standin, clock, drain):
    await project_in_modeling(runtime, slack, clock)
    await drain()
    standin.calls.clear()
    answer = await slack.command(f"milestone add {HOSTILE}", channel=CHANNEL, user="U0ALICE")
    async with runtime.db.read() as session:
        [stored] = (await session.execute(select(Milestone))).scalars().all()
    # Slack's tokens become the words they show; its escaping is undone once.
    assert stored.name == "Ship @here *v1* for @U1 & @channel"
    await slack.command(f"milestone done {HOSTILE}", channel=CHANNEL, user="U0ALICE")
    await drain()
    listing = await slack.command("milestones", channel=CHANNEL)
    for shown in [answer.json, listing.json, *(c.args for c in channel_posts(standin))]:
        text = json.dumps(shown)
        for live in ("<!here>", "<@U1>", "<!channel>"):
            assert live not in text


async def test_an_overdue_milestone_is_announced_once_the_day_after(runtime, slack, standin, clock, drain):
    await project_in_modeling(runtime, slack, clock)
    await slack.command("milestone add Baseline due 2026-01-06", channel=CHANNEL, user="U0ALICE")
    await slack.command("milestone add Audit due 2026-01-06", channel=CHANNEL, user="U0ALICE")
    await slack.command("milestone done Audit", channel=CHANNEL, user="U0ALICE")
    await drain()
    standin.calls.clear()
    clock.set(clock.now().replace(day=6, hour=23, minute=59))  # still the due date
    await docs_sweep(runtime.services)
    await drain()
    assert not [c for c in channel_posts(standin) if "was due" in c.args["text"]]
    clock.advance(minutes=2)  # the day after
    # Sweeps racing (two processes): one announcement.
    await asyncio.gather(*(docs_sweep(runtime.services) for _ in range(3)))
    await docs_sweep(runtime.services)
    await drain()
    [overdue] = [c for c in channel_posts(standin) if "was due" in c.args["text"]]
    assert "*Baseline*" in overdue.args["text"] and "2026-01-06" in overdue.args["text"]
    clock.advance(days=2)
    await docs_sweep(runtime.services)
    await drain()
    assert len([c for c in channel_posts(standin) if "was due" in c.args["text"]]) == 1
    async with runtime.db.read() as session:
        rows = (await session.execute(select(Milestone).order_by(Milestone.id))).scalars().all()
    assert rows[0].overdue_announced_at is not None and rows[1].overdue_announced_at is None
    assert rows[0].overdue_announced_at == clock.now() - timedelta(days=2)
