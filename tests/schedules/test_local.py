"""`local` check-ins: each member is asked at 09:00 in their own Slack time zone (Tokyo and New York here, as
users.info told the directory), once, however many processes sweep; the summary comes after the last
member's window; DST moves a member's instant with their clocks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.people.directory import refresh_sweep
from bot.runtime import Runtime
from bot.schedules.slots import WEEKDAYS, Spec, member_slot
from storage.tables import CheckinPrompt
from tests.conftest import make_settings
from tests.schedules.helpers import ALICE, BOB, CHANNEL, channel_posts, dms_to, project_with_team, sweep

SUNDAY_NOON = datetime(2026, 1, 4, 12, 0, tzinfo=UTC)


async def test_tokyo_and_new_york_are_each_asked_at_nine_their_time(runtime, slack, standin, clock, drain):
    standin.add_user(ALICE, "alice", tz="Asia/Tokyo")
    standin.add_user(BOB, "bob", tz="America/New_York")
    await project_with_team(slack, clock)
    clock.set(SUNDAY_NOON)
    await refresh_sweep(runtime.services)  # the people.refresh job: zones are in the table before the slot
    answer = await slack.command("checkin every weekdays at 09:00 local", channel=CHANNEL)
    assert "in each member's own time zone" in answer.json["text"]
    bad = await slack.command("digest every weekdays at 09:00 local", channel=CHANNEL)
    assert "`local` is for check-ins" in bad.json["blocks"][0]["text"]["text"]
    other = Runtime(make_settings(runtime.settings.database_url, standin.base_url), clock=clock)
    await other.start(http=False, worker=False)
    try:
        await drain()
        standin.calls.clear()
        # Monday 09:00 in Tokyo is Sunday 24:00 UTC; in New York (EST, UTC-5) Monday 14:00 UTC.
        clock.set(datetime(2026, 1, 4, 23, 59, tzinfo=UTC))
        await sweep(runtime, drain)
        assert dms_to(standin, ALICE) == [] and dms_to(standin, BOB) == []
        clock.set(datetime(2026, 1, 5, 0, 0, tzinfo=UTC))
        await drain()
        await asyncio.gather(sweep(runtime), sweep(other))
        await asyncio.gather(sweep(runtime), sweep(other))
        await drain()
        assert len(dms_to(standin, ALICE)) == 1
        assert dms_to(standin, BOB) == []
        # Alice is reminded halfway through her own 4 h window (02:00 UTC), before Bob is even asked.
        clock.set(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
        await sweep(runtime, drain)
        assert len(dms_to(standin, ALICE)) == 2 and dms_to(standin, BOB) == []
        clock.set(datetime(2026, 1, 5, 13, 59, tzinfo=UTC))
        await sweep(runtime, drain)
        assert dms_to(standin, BOB) == []
        clock.set(datetime(2026, 1, 5, 14, 0, tzinfo=UTC))
        await asyncio.gather(sweep(runtime), sweep(other))
        await drain()
        assert len(dms_to(standin, BOB)) == 1 and len(dms_to(standin, ALICE)) == 2
        async with runtime.db.read() as session:
            prompts = {p.user_id: p for p in (await session.execute(select(CheckinPrompt))).scalars()}
        assert prompts[ALICE].due_at == datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
        assert prompts[BOB].due_at == datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
        assert (prompts[ALICE].tz, prompts[BOB].tz) == ("Asia/Tokyo", "America/New_York")
        clock.set(datetime(2026, 1, 5, 16, 0, tzinfo=UTC))
        await sweep(runtime, drain)
        assert len(dms_to(standin, ALICE)) == 2 and len(dms_to(standin, BOB)) == 2
        # The summary after the last window (Bob's, 18:00 UTC); Tuesday's Tokyo slot opens the next run.
        clock.set(datetime(2026, 1, 5, 17, 59, tzinfo=UTC))
        await sweep(runtime, drain)
        assert channel_posts(standin) == []
        clock.set(datetime(2026, 1, 5, 18, 0, tzinfo=UTC))
        await sweep(runtime, drain)
        [summary] = channel_posts(standin)
        assert "0 of 2 answered" in summary.args["text"]
        clock.set(datetime(2026, 1, 6, 0, 0, tzinfo=UTC))
        await sweep(runtime, drain)
        assert len(dms_to(standin, ALICE)) == 3 and len(dms_to(standin, BOB)) == 2
    finally:
        await other.stop()


def test_a_member_slot_follows_their_clocks_across_dst():
    spec = Spec(WEEKDAYS, datetime(2026, 1, 1, 9, 0).time(), "local")
    new_york = ZoneInfo("America/New_York")
    # US clocks move on 2026-03-08 (Sunday): Friday 09:00 EST is 14:00 UTC, Monday 09:00 EDT is 13:00 UTC.
    assert member_slot(spec, datetime(2026, 3, 6).date(), new_york) == datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    assert member_slot(spec, datetime(2026, 3, 9).date(), new_york) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    tokyo = ZoneInfo("Asia/Tokyo")  # no DST: always 00:00 UTC
    assert member_slot(spec, datetime(2026, 3, 9).date(), tokyo) == datetime(2026, 3, 9, 0, 0, tzinfo=UTC)
