"""`/crisp status` answers from the database, in the HTTP response."""

from __future__ import annotations

from storage.queries import audit, projects


async def test_status_answers_in_the_response_with_the_gist_first(runtime, slack, standin, clock):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    clock.advance(days=2, hours=3)
    calls_before = len(standin.calls)

    answer = await slack.command("status", user="U0BOB", channel="C0CHURN")

    assert answer.status == 200
    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert body["text"].splitlines()[0] == "Churn Radar is in Business understanding — day 3, iteration 1"
    assert body["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Churn Radar", "emoji": True}}
    card = str(body["blocks"])
    assert "phase 1 of 6" in card and "<#C0CHURN>" in card and "`churn-radar`" in card
    assert "<@U0ALICE>" in card
    assert len(standin.calls) == calls_before  # no Slack call was needed to answer


async def test_status_reads_what_the_database_says(runtime, slack, clock):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    async with runtime.db.transaction() as session:
        project = await projects.active_in_channel(session, "T0CRISP", "C0CHURN")
        project.phase, project.iteration = "modeling", 2
        for n in range(50):
            await audit.record(session, team_id="T0CRISP", project_id=project.id, actor_id="U0BOB",
                               action="test.touched", now=clock.now(), n=n)
    answer = await slack.command("status", channel="C0CHURN")
    assert answer.json["text"].startswith("Churn Radar is in Modeling — day 1, iteration 2")
    assert "*Modeling* (phase 4 of 6)" in str(answer.json["blocks"])
    assert "~Data preparation~ → *Modeling* → Evaluation" in str(answer.json["blocks"])


async def test_status_without_a_project_says_how_to_start_one(slack):
    answer = await slack.command("status", channel="C0EMPTY")
    assert answer.status == 200
    assert answer.json["text"].startswith("This channel has no project yet.")
    assert "`/crisp project create NAME`" in answer.json["blocks"][0]["text"]["text"]


async def test_status_shows_objective_roles_gaps_and_stakeholders(runtime, slack, clock):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    before = await slack.command("status", user="U0BOB")
    fields = [f["text"] for f in before.json["blocks"][1]["fields"]]
    assert fields[4:] == ["*Goal*\n_not set_ · `/crisp project goal TEXT`",
                          "*Success metric*\n_not set_ · `/crisp project metric TEXT`"]

    await slack.command("project goal Keep new customers", user="U0ALICE")
    await slack.command("project metric 90-day churn below 5%", user="U0ALICE")
    await slack.command("role add <@U0BOB|bob> ds", user="U0ALICE")
    await slack.command("role add <@U0BOB|bob> de", user="U0ALICE")
    await slack.command("stakeholder add <@U0CAROL|carol>", user="U0ALICE")
    async with runtime.db.transaction() as session:
        project = await projects.active_in_channel(session, "T0CRISP", "C0CHURN")
        project.phase, project.iteration = "deployment", 2
    clock.advance(days=6)

    answer = await slack.command("status", user="U0BOB")
    lines = answer.json["text"].splitlines()
    assert lines[0] == "Churn Radar is in Deployment — day 7, iteration 2"
    assert lines[1] == "Missing for Deployment: Sponsor, ML engineer, Software engineer, DevOps"
    blocks = answer.json["blocks"]
    assert [f["text"] for f in blocks[1]["fields"]][4:] == ["*Goal*\nKeep new customers",
                                                             "*Success metric*\n90-day churn below 5%"]
    assert blocks[2]["text"]["text"] == (
        "*Roles*\n*Product owner* — <@U0ALICE>\n*Data scientist* — <@U0BOB>\n*Data engineer* — <@U0BOB>\n"
        ":warning: *Deployment expects, but nobody holds:* Sponsor, ML engineer, Software engineer, DevOps")
    assert blocks[3]["text"]["text"] == "*Stakeholders:* <@U0CAROL>"
