"""The stale-phase nudge: one gentle question after STALE_PHASE_DAYS without a phase move or check-in answer;
not again until something happens and the days pass again, or another N quiet days; one post however many
processes sweep and however often."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.lifecycle.stale import stale_sweep
from bot.runtime import Runtime
from bot.scheduler import JOBS
from storage.tables import StaleNudge
from tests.conftest import count_rows, make_settings
from tests.schedules.test_checkin_flow import form_values, open_form
from tests.schedules.helpers import ALICE, CHANNEL, channel_posts, dms_to, project_with_team


def nudges(standin) -> list:
    return [c for c in channel_posts(standin) if ":seedling:" in c.args["text"]]


async def test_a_quiet_project_is_nudged_once_per_quiet_spell(runtime, slack, standin, clock, drain):
    assert JOBS["lifecycle.stale"][0] is stale_sweep
    await project_with_team(slack, clock)  # Monday 2026-01-05 08:00
    created = clock.now()
    other = Runtime(make_settings(runtime.settings.database_url, standin.base_url), clock=clock)
    await other.start(http=False, worker=False)
    try:
        clock.set(created + timedelta(days=13, hours=23))
        assert "nudged=0" in await stale_sweep(runtime.services)
        clock.set(created + timedelta(days=14, minutes=1))
        results = await asyncio.gather(stale_sweep(runtime.services), stale_sweep(other.services))
        assert sorted(r.split("nudged=")[1] for r in results) == ["0", "1"]
        assert "nudged=0" in await stale_sweep(other.services)
        await drain()
        [nudge] = nudges(standin)
        assert "*Churn Radar* has been quiet for a while: day 15 of Business understanding" in nudge.args["text"]

        # Another N quiet days: once more.
        clock.set(created + timedelta(days=27))
        assert "nudged=0" in await stale_sweep(runtime.services)
        clock.set(created + timedelta(days=28, minutes=1))
        assert "nudged=1" in await stale_sweep(other.services)

        # Something happens (a check-in answer): the clock starts again from it.
        clock.set(created + timedelta(days=30))
        await slack.command("checkin now", channel=CHANNEL)
        await drain()
        [ask] = dms_to(standin, ALICE)
        form = await open_form(slack, standin, ask, ALICE, "t-stale")
        assert (await slack.submit(form, form_values("Labels cleaned", "", "on-track"), user=ALICE)).json == {}
        answered = clock.now()
        clock.set(answered + timedelta(days=13))
        assert "nudged=0" in await stale_sweep(runtime.services)
        clock.set(answered + timedelta(days=14))
        assert "nudged=1" in await stale_sweep(runtime.services)
        await drain()
        assert len(nudges(standin)) == 3
        assert await count_rows(runtime, StaleNudge) == 3
    finally:
        await other.stop()
