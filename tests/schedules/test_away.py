"""`checkin away`: people on leave (in Crisp, or by their Slack status as the directory last read it) are not
asked, not reminded, and listed as away in the summary rather than as non-responders. Members mark
themselves; leads anyone; bad dates change nothing."""

from __future__ import annotations

from datetime import timedelta

from bot.people.directory import refresh_sweep
from bot.scheduler import JOBS
from storage.tables import CheckinAway
from tests.conftest import count_rows
from tests.schedules.helpers import ALICE, BOB, CHANNEL, channel_posts, dms_to, project_with_team, sweep

CAROL = "U0CAROL"


async def test_someone_away_is_not_asked_nor_reminded_and_shows_as_away(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)  # Monday 2026-01-05
    mine = await slack.command(f"checkin away <@{ALICE}|alice> 2026-01-09", user=ALICE, channel=CHANNEL)
    assert "You are away from this project's check-ins until 2026-01-09" in mine.json["text"]
    started = await slack.command("checkin now", channel=CHANNEL)
    assert "1 person asked by DM" in started.json["text"]
    await drain()
    assert dms_to(standin, ALICE) == [] and len(dms_to(standin, BOB)) == 1
    standin.calls.clear()
    clock.advance(hours=2)
    assert "reminded=1" in await sweep(runtime, drain)
    assert dms_to(standin, ALICE) == []
    clock.advance(hours=2)
    await sweep(runtime, drain)
    [summary] = channel_posts(standin)
    assert "0 of 1 answered" in summary.args["text"] and "1 away" in summary.args["text"]
    assert "no answer from <@U0BOB>" in summary.args["text"]
    contexts = [e["text"] for b in summary.args["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert "Away: <@U0ALICE> (until 2026-01-09)" in contexts
    assert not any("No answer from" in c and ALICE in c for c in contexts)

    # Back after the last day: asked again. `off` brings someone back early.
    clock.advance(days=5)  # Saturday 2026-01-10
    again = await slack.command("checkin now", channel=CHANNEL)
    assert "2 people asked" in again.json["text"]


async def test_a_slack_vacation_status_skips_the_person_without_calling_slack_on_the_run(runtime, slack, standin,
                                                                                        clock, drain):
    await project_with_team(slack, clock)
    standin.set_status(BOB, emoji=":palm_tree:", text="Vacationing")
    await refresh_sweep(runtime.services)  # the people.refresh job read users.info beforehand
    assert "people.refresh" in JOBS
    standin.calls.clear()
    started = await slack.command("checkin now", channel=CHANNEL)
    assert "1 person asked" in started.json["text"]
    assert standin.calls_to("users.info") == []  # the run read the table, not Slack
    await drain()
    assert dms_to(standin, BOB) == [] and len(dms_to(standin, ALICE)) == 1
    clock.advance(hours=4, seconds=1)
    await sweep(runtime, drain)
    [summary] = channel_posts(standin)[-1:]
    assert "Away: <@U0BOB> (Slack status)" in str(summary.args["blocks"])
    assert "no answer from <@U0BOB>" not in summary.args["text"]


async def test_who_may_mark_whom_and_bad_dates(runtime, slack, clock):
    await project_with_team(slack, clock)
    refused = await slack.command(f"checkin away <@{ALICE}|alice> 2026-01-09", user=BOB, channel=CHANNEL)
    assert refused.json["text"].startswith("Refused")
    outsider = await slack.command(f"checkin away <@{CAROL}|carol> 2026-01-09", user=CAROL, channel=CHANNEL)
    assert outsider.json["text"].startswith("Refused")
    lead = await slack.command(f"checkin away <@{BOB}|bob> 2026-01-20", channel=CHANNEL)
    assert "<@U0BOB> is away" in lead.json["text"]
    for text, fragment in ((f"<@{ALICE}> 2026-13-01", "not a day of the calendar"),
                           (f"<@{ALICE}> tomorrow", "not a date"),
                           (f"<@{ALICE}> 2026-01-04", "has passed"),
                           (f"<@{ALICE}> 2028-01-04", "more than a year"),
                           (f"<@{ALICE}>", "Until when?"),
                           (f"<@{CAROL}> 2026-01-09", "holds no role"),
                           (f"<@{ALICE}> off", "was not marked away"),
                           ("2026-01-09", "@-mention")):
        answer = await slack.command(f"checkin away {text}", channel=CHANNEL)
        assert fragment in answer.json["text"], (text, answer.json)
    assert await count_rows(runtime, CheckinAway) == 1
    back = await slack.command(f"checkin away <@{BOB}> off", user=BOB, channel=CHANNEL)
    assert "You are back" in back.json["text"]
    assert await count_rows(runtime, CheckinAway) == 0
