"""`digest portfolio every|now|off`: one DM to a stakeholder or sponsor across all their projects, set from
any channel, swept with the project schedules (each slot once), within Slack's limits for 30 projects."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from storage.queries.targets import set_target
from storage.tables import DocRequest, Feedback, Milestone, PortfolioRun, PortfolioSchedule, Project
from tests.schedules.helpers import MONDAY_8, dms_to, sweep
from tests.schedules.test_digest import add_alert_groups, shown, within_slack_limits

SUE = "U0SUE"
ELSEWHERE = "C0LOBBY"  # a channel without a project


async def make_project(slack, name: str, channel: str) -> None:
    answer = await slack.command(f"project create {name}", channel=channel)
    assert answer.json["text"].startswith("Created"), answer.json


async def sue_watches(slack, standin, clock, count: int = 2) -> None:
    clock.set(MONDAY_8)
    standin.add_user(SUE, "sue")
    for n in range(count):
        await make_project(slack, f"Project {n:02} &lt;!here&gt;", f"C0P{n:03}")
        if n % 2:
            await slack.command(f"role add <@{SUE}|sue> sponsor", channel=f"C0P{n:03}")
        else:
            await slack.command(f"stakeholder add <@{SUE}|sue>", channel=f"C0P{n:03}")
    await make_project(slack, "Not Sues", "C0OTHER")


async def test_portfolio_now_covers_every_project_of_the_caller_from_any_channel(runtime, slack, standin, clock,
                                                                                  drain):
    await sue_watches(slack, standin, clock)
    async with runtime.db.transaction() as session:
        first = (await session.execute(select(Project).where(Project.channel_id == "C0P000"))).scalars().one()
        await set_target(session, team_id=first.team_id, project_id=first.id, phase=first.phase,
                         target=date(2026, 1, 2), user_id="U0ADMIN", now=clock.now())
    nobody = await slack.command("digest portfolio now", user="U0BOB", channel=ELSEWHERE)
    assert "not a stakeholder or sponsor of any active project" in nobody.json["text"]
    await drain()
    standin.calls.clear()

    answer = await slack.command("digest portfolio now", user=SUE, channel=ELSEWHERE)
    assert answer.json["text"] == ":incoming_envelope: Portfolio digest across 2 projects sent to you by DM."
    await drain()
    [dm] = dms_to(standin, SUE)
    text = shown(dm)
    assert dm.args["text"].startswith("Portfolio digest: 2 projects: Project 00")
    assert "Project 00" in text and "Project 01" in text and "Not Sues" not in text
    assert ":warning: 3 days behind the target (2026-01-02)" in text
    assert "<!here>" not in text
    within_slack_limits(dm.args)
    assert dms_to(standin, "U0BOB") == []


async def test_thirty_projects_stay_within_slacks_limits(runtime, slack, standin, clock, drain):
    await sue_watches(slack, standin, clock, count=30)
    await add_alert_groups_to_first(runtime)
    standin.calls.clear()
    await slack.command("digest portfolio now", user=SUE, channel=ELSEWHERE)
    await drain()
    [dm] = dms_to(standin, SUE)
    within_slack_limits(dm.args)
    assert "and 10 more projects" in shown(dm)
    assert "200 open alert groups" in shown(dm)


async def add_alert_groups_to_first(runtime) -> None:
    # test_digest's helper fills the only project; here, the first of many
    from storage.tables import AlertGroup  # noqa: PLC0415
    async with runtime.db.transaction() as session:
        project = (await session.execute(select(Project).where(Project.channel_id == "C0P000"))).scalars().one()
        now = runtime.clock.now()
        for n in range(200):
            session.add(AlertGroup(team_id=project.team_id, source="generic", group_key=f"k{n:05}",
                                   project_id=project.id, channel_id="C0P000", status="firing", severity="critical",
                                   title=f"Drift {n}", first_seen_at=now, last_seen_at=now, started_at=now))


async def test_the_scheduled_portfolio_goes_out_once_per_slot_and_off_stops_it(runtime, slack, standin, clock,
                                                                               drain):
    await sue_watches(slack, standin, clock)
    bad = await slack.command("digest portfolio every funday at 25:00 Mars/Olympus", user=SUE, channel=ELSEWHERE)
    problem = bad.json["blocks"][0]["text"]["text"]
    assert "`funday` is not a day" in problem and "`25:00` is not a time of day" in problem
    assert "`Mars/Olympus` is not a time zone" in problem and "Nothing was changed" in problem
    answer = await slack.command("digest portfolio every mon,thu at 09:30 Europe/Berlin", user=SUE,
                                 channel=ELSEWHERE)
    assert answer.json["text"].startswith(":calendar: Your portfolio digest comes every Mon, Thu at 09:30 "
                                          "(Europe/Berlin), by DM.")
    async with runtime.db.read() as session:
        assert (await session.execute(select(func.count()).select_from(PortfolioSchedule))).scalar() == 1
    await drain()
    standin.calls.clear()
    clock.advance(minutes=29)  # 09:29 Berlin
    await sweep(runtime, drain)
    assert dms_to(standin, SUE) == []
    clock.advance(minutes=1)
    await sweep(runtime, drain)
    await sweep(runtime, drain)
    [dm] = dms_to(standin, SUE)
    assert dm.args["text"].startswith("Portfolio digest: 2 projects")
    clock.advance(days=1)  # Tuesday: no slot
    await sweep(runtime, drain)
    assert len(dms_to(standin, SUE)) == 1
    async with runtime.db.read() as session:
        runs = (await session.execute(select(PortfolioRun))).scalars().all()
    assert [(run.user_id, run.skipped, len(run.projects)) for run in runs] == [(SUE, False, 2)]

    off = await slack.command("digest portfolio off", user=SUE, channel="C0P001")
    assert off.json["text"] == ":calendar: Your portfolio digest is off."
    clock.advance(days=2)  # Thursday 09:30 Berlin has passed
    clock.advance(hours=2)
    await sweep(runtime, drain)
    assert len(dms_to(standin, SUE)) == 1
    again = await slack.command("digest portfolio off", user=SUE, channel=ELSEWHERE)
    assert again.json["text"].startswith("Your portfolio digest was not scheduled")


async def test_a_slot_missed_past_the_grace_is_recorded_not_sent(runtime, slack, standin, clock, drain):
    await sue_watches(slack, standin, clock)
    await slack.command("digest portfolio every daily at 09:30 Europe/Berlin", user=SUE, channel=ELSEWHERE)
    await drain()
    standin.calls.clear()
    clock.advance(minutes=30, hours=7)  # the slot passed 7 h ago, grace 6 h
    await sweep(runtime, drain)
    assert dms_to(standin, SUE) == []
    async with runtime.db.read() as session:
        [run] = (await session.execute(select(PortfolioRun))).scalars().all()
    assert run.skipped
    clock.advance(timedelta(days=1).total_seconds() - 7 * 3600)
    await sweep(runtime, drain)
    assert len(dms_to(standin, SUE)) == 1


async def test_each_project_counts_overdue_milestones_and_records_and_new_feedback(runtime, slack, standin, clock,
                                                                                 drain):
    await sue_watches(slack, standin, clock)
    now = clock.now()
    async with runtime.db.transaction() as session:
        first = (await session.execute(select(Project).where(Project.channel_id == "C0P000"))).scalars().one()
        owned = dict(team_id=first.team_id, project_id=first.id)
        session.add_all([
            Milestone(**owned, name="Late", name_key="late", phase=first.phase, added_by=SUE, added_at=now,
                      due=now.date() - timedelta(days=1)),
            Milestone(**owned, name="Soon", name_key="soon", phase=first.phase, added_by=SUE, added_at=now,
                      due=now.date() + timedelta(days=1)),
            Milestone(**owned, name="Done", name_key="done", phase=first.phase, added_by=SUE, added_at=now,
                      due=now.date() - timedelta(days=3), done_by=SUE, done_at=now),
            DocRequest(**owned, phase=first.phase, trigger="phase-exit", requested_by=SUE, requested_at=now,
                       reminders_sent=3, overdue_at=now),
            DocRequest(**owned, phase=first.phase, trigger="phase-exit", requested_by=SUE, requested_at=now),
            *[Feedback(**owned, text=f"Feedback {n}", author=SUE, source="command", created_at=now) for n in range(2)],
        ])
    await drain()
    standin.calls.clear()

    await slack.command("digest portfolio now", user=SUE, channel=ELSEWHERE)
    await drain()
    [dm] = dms_to(standin, SUE)
    assert dm.ok, dm.response
    first_section, second_section = (block["text"]["text"] for block in dm.args["blocks"][1:3])
    assert first_section.endswith(":warning: 1 milestone and 1 record overdue · 2 new feedback")
    assert second_section.endswith("no milestones or records overdue · no new feedback")

    # Feedback is new once: the next portfolio digest counts what came since this one.
    clock.advance(days=2)
    await slack.command("feedback the scores drift on Mondays", user="U0ADMIN", channel="C0P000")
    standin.calls.clear()
    await slack.command("digest portfolio now", user=SUE, channel=ELSEWHERE)
    await drain()
    [dm] = dms_to(standin, SUE)
    assert dm.args["blocks"][1]["text"]["text"].endswith(
        ":warning: 2 milestones and 1 record overdue · 1 new feedback")  # Soon is overdue now
