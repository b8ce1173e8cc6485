"""`phase target PHASE YYYY-MM-DD`: leads record when a phase should end; the status and phase cards show the
current phase's days ahead or behind; bad phases and dates change nothing; the channel hears of it."""

from __future__ import annotations

from datetime import date

from storage.queries.targets import targets_of
from sqlalchemy import select

from storage.tables import PhaseTarget, Project
from tests.conftest import count_rows
from tests.schedules.helpers import BOB, CHANNEL, channel_posts, project_with_team
from tests.slack_text import assert_nothing_live


async def test_a_target_shows_days_ahead_then_behind(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)  # Monday 2026-01-05, in business understanding
    refused = await slack.command("phase target modeling 2026-02-01", user=BOB, channel=CHANNEL)
    assert refused.json["text"].startswith("Refused: only Crisp admins and the project's product owner or product "
                                           "manager may set phase targets."), refused.json
    for text, fragment in (("modeling 2026-02-30", "not a day of the calendar"),
                           ("modeling 1/2/2026", "not a date"),
                           ("modelling stuff 2026-02-01", "one date after the phase"),
                           ("nonsense 2026-02-01", "I don't know the phase"),
                           ("modeling", "one date after the phase"),
                           ("", "Which phase, and by when?"),
                           ("modeling 2026-01-04", "has passed"),
                           ("modeling 2036-01-04", "more than five years")):
        answer = await slack.command(f"phase target {text}", channel=CHANNEL)
        assert fragment in answer.json["text"], (text, answer.json)
    assert await count_rows(runtime, PhaseTarget) == 0

    done = await slack.command("phase target BU 2026-01-10", channel=CHANNEL)
    assert "Target for Business understanding: 2026-01-10" in done.json["text"]
    await slack.command("phase target modeling 2026-03-01", channel=CHANNEL)
    await drain()
    [announced] = [c for c in channel_posts(standin) if ":dart:" in c.args["text"]][:1]
    assert "finish Business understanding by *2026-01-10*" in announced.args["text"]
    assert_nothing_live(announced.args, users={"U0ADMIN"}, channels={CHANNEL})
    status = await slack.command("status", channel=CHANNEL)
    assert "Target end 2026-01-10: 5 days ahead" in str(status.json["blocks"])
    phase = await slack.command("phase", channel=CHANNEL)
    assert "Target end 2026-01-10: 5 days ahead" in str(phase.json["blocks"])

    # Set again: replaced (the audit keeps the old one), announced with what it was.
    await slack.command("phase target business-understanding 2026-01-09", channel=CHANNEL)
    await drain()
    assert "(was 2026-01-10)" in channel_posts(standin)[-1].args["text"]
    async with runtime.db.read() as session:
        project = (await session.execute(select(Project))).scalars().one()
        assert await targets_of(session, project.id) == {"business-understanding": date(2026, 1, 9),
                                               "modeling": date(2026, 3, 1)}
    clock.advance(days=7)  # Monday 2026-01-12
    status = await slack.command("status", channel=CHANNEL)
    assert "Target end 2026-01-09: :warning: 3 days behind" in str(status.json["blocks"])
