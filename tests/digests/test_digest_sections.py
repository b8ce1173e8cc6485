"""The digest's milestones, overdue documentation and feedback (issue 9's data), over signed HTTP into the
running app and the Slack stand-in: what each section says, what counts as news for the "nothing new"
line, the 500-milestone bar within Slack's limits, and typed text that never becomes a live mention."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import event, select

from bot.digests import service as digests
from bot.docs.sweep import docs_sweep
from storage.tables import DocRequest, Feedback, Milestone, Project, ScheduleRun
from tests.docs.helpers import ALICE, CHANNEL, dms_to, project_in_modeling
from tests.schedules.helpers import project_with_team
from tests.schedules.test_digest import (SPONSOR, add_alert_groups, answered_check_in, project_row, shown,
                                         within_slack_limits)

SUE = "U0SUE"
LIVE = ("<!here>", "<!channel>", "<@U1>", "<!everyone>")


async def digest_now(slack, standin, drain, user_id: str = SUE):
    """`digest now`, delivered; the one DM `user_id` got, accepted by the stand-in (Block Kit limits)."""
    standin.calls.clear()
    answer = await slack.command("digest now", channel=CHANNEL)
    assert answer.json["text"].startswith(":incoming_envelope: Digest sent"), answer.json
    await drain()
    [dm] = dms_to(standin, user_id)
    assert dm.ok, dm.response
    return dm


async def test_sections_say_what_is_done_due_overdue_and_fed_back_and_only_news_lifts_nothing_new(
        runtime, slack, standin, clock, drain):
    await project_in_modeling(runtime, slack, clock)
    standin.add_user(SUE, "sue")
    await slack.command(f"stakeholder add <@{SUE}|sue>", channel=CHANNEL)
    start = clock.now()  # Monday 5 January 2026
    for text in ("Baseline due 2026-01-06", "Audit due 2026-01-09", "Far off due 2026-03-01", "Undated"):
        await slack.command(f"milestone add {text}", channel=CHANNEL, user=ALICE)
    await slack.command("milestone done Undated", channel=CHANNEL, user=ALICE)  # asks Alice for the record
    await slack.command("feedback the churn scores flag loyal customers", channel=CHANNEL, user=ALICE)
    for days in (2, 5, 8):  # three reminders: the request is overdue after the third (13 January)
        clock.set(start + timedelta(days=days))
        await docs_sweep(runtime.services)

    first = shown(await digest_now(slack, standin, drain))
    assert "*Milestones done since the project started:* 1" in first and "~Undated~" in first
    assert "*Milestones due:* 2 overdue, 0 due within a week" in first
    assert first.index("*Baseline*") < first.index("*Audit*") < first.index("*Milestones due") + 400
    assert "Far off" not in first  # due in March: neither overdue nor within a week
    assert "*Overdue documentation:* 1 record still missing" in first
    assert f"Modeling: asked <@{ALICE}> (Data scientist), overdue since" in first
    assert "*Feedback on the model:* 1 new since the project started" in first
    assert "Per week (from Monday): 22 Dec: 0 · 29 Dec: 0 · 5 Jan: 1 · 12 Jan: 0 (this week)" in first
    assert "the churn scores flag loyal customers" in first

    # A day on, nothing new, but still overdue: one line, naming what is.
    clock.advance(days=1)
    quiet = await digest_now(slack, standin, drain)
    assert quiet.args["text"].startswith(":zzz: Nothing new on *Churn Radar* since")
    assert quiet.args["text"].endswith("Still overdue: 2 milestones and 1 record.")
    assert len(quiet.args["blocks"]) == 1

    # New feedback is news.
    clock.advance(days=1)
    await slack.command("feedback the top decile misses new customers", channel=CHANNEL, user=ALICE)
    fed = shown(await digest_now(slack, standin, drain))
    assert "*Feedback on the model:* 1 new since the last digest" in fed
    assert "the top decile misses new customers" in fed and "loyal customers" not in fed
    assert "*Milestones done:* none since the last digest." in fed

    # A milestone added since, due within a week, is news; so is one falling overdue since.
    clock.advance(hours=1)
    await slack.command("milestone add Review due 2026-01-17", channel=CHANNEL, user=ALICE)  # today is the 15th
    added = shown(await digest_now(slack, standin, drain))
    assert "*Milestones due:* 2 overdue, 1 due within a week" in added and "*Review* · Modeling · due 2026-01-17" in added
    clock.advance(days=3)  # the 18th: Review is overdue now
    overdue = shown(await digest_now(slack, standin, drain))
    assert "*Milestones due:* 3 overdue" in overdue and "*Review* · Modeling · due 2026-01-17, *1 day overdue*" in overdue
    clock.advance(days=1)
    again = await digest_now(slack, standin, drain)
    assert again.args["text"].endswith("Still overdue: 3 milestones and 1 record.")


async def big_project(runtime, clock) -> Project:
    """500 milestones (200 done, 152 overdue with two hostile names first, 50 due within a week, 98 later or
    undated), 100 pieces of feedback over three weeks (the newest hostile), 50 overdue documentation requests."""
    now = clock.now()
    today = now.date()
    async with runtime.db.transaction() as session:
        project = (await session.execute(select(Project))).scalars().one()

        def milestone(n: int, name: str, **values) -> Milestone:
            return Milestone(team_id=project.team_id, project_id=project.id, name=name, name_key=name.casefold(),
                             phase=project.phase, added_by=ALICE, added_at=now - timedelta(days=30), **values)

        rows = [milestone(0, "<!channel> launch review", due=today - timedelta(days=90)),
                milestone(1, "<@U1> sign-off", due=today - timedelta(days=89))]
        rows += [milestone(n, f"Overdue step {n}", due=today - timedelta(days=1 + n % 60)) for n in range(2, 152)]
        rows += [milestone(n, f"Done step {n}", due=today - timedelta(days=5), done_by=ALICE,
                           done_at=now - timedelta(minutes=n)) for n in range(152, 352)]
        rows += [milestone(n, f"Soon step {n}", due=today + timedelta(days=n % 8)) for n in range(352, 402)]
        rows += [milestone(n, f"Later step {n}", due=today + timedelta(days=30) if n % 2 else None)
                 for n in range(402, 500)]
        session.add_all(rows)
        session.add_all(Feedback(team_id=project.team_id, project_id=project.id, author=ALICE, source="command",
                                 text=f"Prediction {n} looks off for the enterprise segment",
                                 created_at=now - timedelta(hours=5 * n + 1)) for n in range(1, 100))
        session.add(Feedback(team_id=project.team_id, project_id=project.id, author=ALICE, source="command",
                             text="&lt;!here&gt; the scores for <@U1> are *off*", created_at=now - timedelta(minutes=5)))
        session.add_all(DocRequest(team_id=project.team_id, project_id=project.id, phase="data-preparation",
                                   trigger="milestone", asked=[{"user": ALICE, "role": "data-scientist"}],
                                   requested_by=ALICE, requested_at=now - timedelta(days=10, minutes=n),
                                   reminders_sent=3, overdue_at=now - timedelta(days=2, minutes=n)) for n in range(50))
    return project


def statement_recorder():
    """A list, and a session listener that fills it with each statement the session runs."""
    seen: list[str] = []

    def record(orm_execute_state):
        seen.append(str(orm_execute_state.statement))

    return seen, record


async def test_500_milestones_200_alerts_100_feedback_50_overdue_docs_stay_within_slacks_limits(
        runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    standin.add_user(SPONSOR, "sue")
    await slack.command(f"stakeholder add <@{ALICE}|alice>", channel=CHANNEL)
    await slack.command(f"role add <@{SPONSOR}|sue> sponsor", channel=CHANNEL)
    await answered_check_in(runtime, slack, standin, clock, drain)
    clock.advance(days=21)  # three weeks of work behind the 500 milestones and the feedback
    await add_alert_groups(runtime, 200)
    await big_project(runtime, clock)

    standin.calls.clear()
    answer = await slack.command("digest now", channel=CHANNEL)
    assert answer.json["text"].startswith(":incoming_envelope: Digest sent to 2 stakeholders")
    await drain()
    for user_id in (ALICE, SPONSOR):
        [dm] = dms_to(standin, user_id)
        assert dm.ok, dm.response  # the stand-in checks Slack's Block Kit limits
        body, text = dm.args, shown(dm)
        within_slack_limits(body)
        assert body["text"].startswith("Churn Radar digest: Business understanding, day 22, iteration 1; "
                                       "200 open alert groups; latest blocker: Waiting on the billing export")
        assert "*Open alerts:* 200 groups" in text and "and 195 more" in text
        assert "*Milestones done since the project started:* 200" in text and "_and 190 more_" in text
        assert "*Milestones due:* 152 overdue, 50 due within a week" in text and "_and 192 more_" in text
        assert "*Overdue documentation:* 50 records still missing" in text and "_and 42 more_" in text
        assert "Data preparation: asked <@U0ALICE> (Data scientist)" in text
        assert "*Feedback on the model:* 100 new since the project started" in text and "_and 95 more_" in text
        # Typed text reads as typed, escaped once; nothing live comes out of it.
        assert "*&lt;!channel&gt; launch review*" in text and "*&lt;@U1&gt; sign-off*" in text
        assert "&amp;lt;!here&amp;gt; the scores for &lt;@U1&gt; are" in text
        for live in LIVE:
            assert live not in text
        print(f"\ndigest for 500 milestones: {len(body['blocks'])} blocks, "
              f"{len(json.dumps(body['blocks']))} characters of blocks, longest section "
              f"{max(len(b['text']['text']) for b in body['blocks'] if b['type'] == 'section')}")

    # The digest reads all of it in a few statements, however many rows there are (no N+1).
    seen, record = statement_recorder()
    project = await project_row(runtime)
    async with runtime.db.read() as session:
        run = (await session.execute(select(ScheduleRun).where(ScheduleRun.kind == "digest"))).scalars().one()
        event.listen(session.sync_session, "do_orm_execute", record)
        digest = await digests.gather(session, project, run, clock.now())
        event.remove(session.sync_session, "do_orm_execute", record)
    assert len(digest.docs.milestones_due) == 202 and digest.feedback.new_total == 100
    print(f"gather: {len(seen)} statements")
    assert len(seen) <= 16, seen


async def test_typed_mentions_in_milestones_and_feedback_reach_the_digest_as_text(runtime, slack, standin, clock,
                                                                                  drain):
    await project_in_modeling(runtime, slack, clock)
    standin.add_user(SUE, "sue")
    await slack.command(f"stakeholder add <@{SUE}|sue>", channel=CHANNEL)
    # What Slack sends when someone types these literally (it escapes `&`, `<` and `>` in command text).
    await slack.command("milestone add &lt;!channel&gt; launch due 2026-01-06", channel=CHANNEL, user=ALICE)
    await slack.command("milestone add &lt;@U1&gt; sign-off due 2026-01-07", channel=CHANNEL, user=ALICE)
    await slack.command("feedback &amp;lt;!here&amp;gt; the scores are *off*", channel=CHANNEL, user=ALICE)
    async with runtime.db.read() as session:
        names = set((await session.execute(select(Milestone.name))).scalars())
        [typed] = (await session.execute(select(Feedback.text))).scalars()
    assert names == {"<!channel> launch", "<@U1> sign-off"} and typed.startswith("&lt;!here&gt;")  # as typed

    dm = await digest_now(slack, standin, drain)
    text = shown(dm)
    assert "*&lt;!channel&gt; launch* · Modeling · due 2026-01-06" in text
    assert "*&lt;@U1&gt; sign-off* · Modeling · due 2026-01-07" in text
    assert "&amp;lt;!here&amp;gt; the scores are" in text
    for live in LIVE:
        assert live not in text
