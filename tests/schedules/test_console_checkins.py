"""Check-ins and digests work in console mode: the DM's button opens the form, the answer is stored."""

from __future__ import annotations

from sqlalchemy import select

from storage.tables import CheckinAnswer, CheckinEarly
from tests.console.test_console_session import button_number, console  # noqa: F401 (the fixture)


async def test_a_check_in_and_a_digest_in_the_console(console):  # noqa: F811
    await console.type("/crisp project create Churn Radar")
    await console.type("/crisp role add @alice Data Scientist", "/crisp stakeholder add @bob")
    scheduled = await console.type("/crisp checkin every weekdays at 09:00 Europe/Berlin")
    assert "Check-ins every weekday at 09:00 (Europe/Berlin)" in scheduled
    started = await console.type("/crisp checkin now")
    assert "Check-in started: 1 person asked by DM" in started
    assert "Check-in time for" in started  # the DM to @alice, shown as it is sent
    form = await console.type(":as @alice", f":press {button_number(started, 'Answer the check-in')}")
    assert "| Check-in |" in form and "Blockers" in form
    done = await console.type(":set 1 Features audited", ":set 2 Waiting on <!here> billing", ":set 3 2",
                              ":submit")
    assert "Thanks: your check-in" in done
    async with console.runtime.db.read() as session:
        [answer] = (await session.execute(select(CheckinAnswer))).scalars().all()
    assert (answer.progress, answer.blockers, answer.confidence) == ("Features audited",
                                                                    "Waiting on <!here> billing", "at-risk")
    sent = await console.type(":as @you", "/crisp digest now")
    assert "Digest sent to 1 stakeholder" in sent and "Digest: Churn Radar" in sent and "Waiting on" in sent
    status = await console.type("/crisp status")
    assert "Next check-in:" in status


async def test_away_in_the_console(console):  # noqa: F811
    await console.type("/crisp project create Churn Radar")
    await console.type("/crisp role add @alice Data Scientist", "/crisp role add @bob ML Engineer")
    away = await console.type(":as @alice", "/crisp checkin away @alice 2099-01-01")
    assert "more than a year away" in away
    today = console.runtime.services.clock.now().date().isoformat()
    away = await console.type(f"/crisp checkin away @alice {today}")
    assert f"You are away from this project's check-ins until {today}" in away
    started = await console.type(":as @you", "/crisp checkin now")
    assert "Check-in started: 1 person asked by DM" in started


async def test_questions_in_the_console(console):  # noqa: F811
    await console.type("/crisp project create Churn Radar", "/crisp role add @alice Data Scientist")
    form = await console.type("/crisp checkin questions")
    assert "| Check-in questions |" in form and "Question 5 (optional)" in form
    saved = await console.type(":set 4 What did you learn?", ":submit")
    assert "changed the check-in questions" in saved and "5. What did you learn?" in saved
    started = await console.type("/crisp checkin now")
    form = await console.type(":as @alice", f":press {button_number(started, 'Answer the check-in')}")
    assert "What did you learn?" in form


async def test_phase_target_in_the_console(console):  # noqa: F811
    await console.type("/crisp project create Churn Radar")
    bad = await console.type("/crisp phase target modeling 2026-02-30")
    assert "not a day of the calendar" in bad
    day = (console.runtime.services.clock.now().date()).isoformat()
    done = await console.type(f"/crisp phase target business understanding {day}")
    assert f"Target for Business understanding: {day}" in done and "expects" in done
    status = await console.type("/crisp status")
    assert f"Target end {day}: due today" in status


async def test_answer_early_from_the_home_tab_in_the_console(console):  # noqa: F811
    await console.type("/crisp project create Churn Radar", "/crisp role add @alice Data Scientist")
    await console.type("/crisp checkin every daily at 23:59")
    home = await console.type(":as @alice", ":home")
    assert "Next check-in:" in home and "Answer early" in home
    form = await console.type(f":press {button_number(home, 'Answer early')}")
    assert "you will not be asked then" in form
    done = await console.type(":set 1 Away tomorrow; audit done", ":set 3 1", ":submit")
    async with console.runtime.db.read() as session:
        [row] = (await session.execute(select(CheckinEarly))).scalars().all()
    assert row.answer["progress"] == "Away tomorrow; audit done" and row.answer["confidence"] == "on-track"
    assert "You answered early — Edit" in done  # the home tab, published again
