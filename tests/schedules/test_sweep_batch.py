"""Check-ins due in the same sweep are opened together (their holders, early answers, leave and people read
once for the batch): each project still gets exactly what it would alone — its own away list, its early
answers, its DMs — and the sweep's statements do not grow with the number of projects."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from bot.people.directory import refresh_sweep
from storage.tables import AuditEntry, CheckinAnswer, Project, ScheduleRun
from tests.schedules.helpers import ALICE, BOB, CHANNEL, channel_posts, dms_to, project_with_team, sweep
from tests.schedules.test_checkin_flow import form_values
from tests.schedules.test_early import early_button, home_of, press_early

CAROL, DAVE = "U0CAROL", "U0DAVE"
SECOND, THIRD = "C0SECOND", "C0THIRD"


async def second_and_third(slack, standin) -> None:
    """Second: Alice, Carol (on vacation by her Slack status) and Dave; Third: Bob alone."""
    for user, name in ((CAROL, "carol"), (DAVE, "dave")):
        standin.add_user(user, name)
    for channel, name in ((SECOND, "Second Sight"), (THIRD, "Third Rail")):
        answer = await slack.command(f"project create {name}", channel=channel)
        assert answer.json["text"].startswith("Created"), answer.json
    for channel, user, name, role in ((SECOND, ALICE, "alice", "data-scientist"),
                                      (SECOND, CAROL, "carol", "ml-engineer"),
                                      (SECOND, DAVE, "dave", "data-engineer"),
                                      (THIRD, BOB, "bob", "ml-engineer")):
        await slack.command(f"role add <@{user}|{name}> {role}", channel=channel)
    standin.set_status(CAROL, emoji=":palm_tree:", text="Vacationing")


class Statements:
    """Counts the statements run while counting (any engine: SQLite sessions use their own inline one; the
    fixture's outbox worker is off, so they are the sweep's)."""

    def __init__(self):
        self.count = 0

    def _one(self, *_args) -> None:
        self.count += 1

    def __enter__(self):
        event.listen(Engine, "before_cursor_execute", self._one)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(Engine, "before_cursor_execute", self._one)


async def runs_by_channel(runtime) -> dict[str, ScheduleRun]:
    async with runtime.db.read() as session:
        rows = (await session.execute(select(Project.channel_id, ScheduleRun).join(
            Project, Project.id == ScheduleRun.project_id).order_by(ScheduleRun.id))).all()
    return {channel: run for channel, run in rows}


async def test_a_batch_opens_each_project_as_it_would_alone(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)  # Churn Radar: Alice, Bob; Monday 08:00 UTC
    await second_and_third(slack, standin)
    await refresh_sweep(runtime.services)  # the directory knows Carol's status
    # Alice is away from Churn Radar only; she is still asked in Second Sight.
    await slack.command(f"checkin away <@{ALICE}|alice> 2026-01-09", user=ALICE, channel=CHANNEL)
    for channel in (CHANNEL, SECOND, THIRD):
        await slack.command("checkin every weekdays at 09:00 UTC", channel=channel)
    # Dave answers Second Sight's check-in early from App Home.
    home = await home_of(slack, standin, drain, DAVE)
    await press_early(slack, standin, DAVE, early_button(home)["value"], "t-dave")
    form = standin.calls_to("views.open")[-1].response["view"]
    await slack.submit(form, form_values("Pipelines rebuilt", "None", "on-track"), user=DAVE)
    await drain()
    standin.calls.clear()

    clock.advance(hours=1)
    assert "ran=3" in await sweep(runtime, drain)
    runs = await runs_by_channel(runtime)
    assert (runs[CHANNEL].asked, runs[CHANNEL].away) == ([BOB], {ALICE: "until 2026-01-09"})
    assert (sorted(runs[SECOND].asked), runs[SECOND].away) == ([ALICE, DAVE], {CAROL: "status"})
    assert (runs[THIRD].asked, runs[THIRD].away) == ([BOB], None)
    assert all(run.closes_at is not None and run.remind_at < run.closes_at for run in runs.values())
    # DMs: Alice once (Second Sight), Bob twice (Churn Radar, Third Rail), Dave answered early, Carol away.
    assert len(dms_to(standin, ALICE)) == 1 and "Second Sight" in dms_to(standin, ALICE)[0].args["text"]
    assert sorted("Churn" in c.args["text"] for c in dms_to(standin, BOB)) == [False, True]
    assert dms_to(standin, DAVE) == [] and dms_to(standin, CAROL) == []
    async with runtime.db.read() as session:
        [answer] = (await session.execute(select(CheckinAnswer))).scalars().all()
        opened = (await session.execute(select(AuditEntry).where(AuditEntry.action == "checkin.opened")
                                        .order_by(AuditEntry.id))).scalars().all()
    assert (answer.run_id, answer.user_id, answer.progress) == (runs[SECOND].id, DAVE, "Pipelines rebuilt")
    assert sorted((entry.detail["run"], entry.detail["asked"]) for entry in opened) == sorted(
        (run.id, len(run.asked)) for run in runs.values())

    # Reminders and summaries of the three runs are also read and posted together, each as alone.
    standin.calls.clear()
    clock.advance(hours=2)
    assert "reminded=3" in await sweep(runtime, drain)
    assert (len(dms_to(standin, ALICE)), len(dms_to(standin, BOB))) == (1, 2)
    assert dms_to(standin, DAVE) == [] and dms_to(standin, CAROL) == []
    clock.advance(hours=2)
    assert "closed=3" in await sweep(runtime, drain)
    churn, second, third = (channel_posts(standin, channel)[-1].args for channel in (CHANNEL, SECOND, THIRD))
    assert "0 of 1 answered" in churn["text"] and "Away: <@U0ALICE> (until 2026-01-09)" in str(churn["blocks"])
    assert "1 of 2 answered" in second["text"] and "no answer from <@U0ALICE>" in second["text"]
    assert "Pipelines rebuilt" in str(second["blocks"]) and "<@U0CAROL> (Slack status)" in str(second["blocks"])
    assert "0 of 1 answered" in third["text"] and "no answer from <@U0BOB>" in third["text"]


async def test_the_sweeps_statements_do_not_grow_with_its_projects(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    await second_and_third(slack, standin)
    for channel in (CHANNEL, SECOND, THIRD):
        await slack.command("checkin every weekdays at 09:00 UTC", channel=channel)
    await drain()
    clock.advance(hours=1)  # Monday 09:00: three check-ins due
    with Statements() as three:
        assert "ran=3" in await sweep(runtime)
    await drain()
    clock.advance(hours=5)  # 14:00: every window has been reminded and closed
    await sweep(runtime, drain)
    await sweep(runtime, drain)
    for channel in (SECOND, THIRD):
        await slack.command("checkin off", channel=channel)
    await drain()
    clock.advance(hours=19)  # Tuesday 09:00: one check-in due
    with Statements() as one:
        assert "ran=1" in await sweep(runtime)
    assert 0 < three.count == one.count, (three.count, one.count)
