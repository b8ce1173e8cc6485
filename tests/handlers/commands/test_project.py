"""`/crisp project create|list|archive` through signed HTTP requests, the database and the stand-in."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.projects.naming import slugify
from storage.queries import audit, projects
from storage.tables import AuditEntry, OutboxMessage, Project


async def count(runtime, table) -> int:
    async with runtime.db.session() as session:
        return (await session.execute(select(func.count()).select_from(table))).scalar_one()


async def test_create_stores_the_project_and_announces_it_in_its_channel(runtime, slack, standin, drain):
    answer = await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")

    assert answer.status == 200
    body = answer.json
    assert body["response_type"] == "ephemeral"
    assert body["text"].startswith("Created Churn Radar")
    async with runtime.db.session() as session:
        project = await projects.active_in_channel(session, "T0CRISP", "C0CHURN")
        entries = await audit.for_project(session, project.id)
    assert (project.name, project.slug, project.phase, project.iteration, project.created_by) == \
        ("Churn Radar", "churn-radar", "business-understanding", 1, "U0ALICE")
    # The creator (not an admin) became its product owner.
    assert [(e.action, e.actor_id) for e in entries] == [("project.created", "U0ALICE"), ("role.added", "U0ALICE")]

    assert standin.calls_to("chat.postMessage") == []  # nothing is sent on the ack path
    await drain()
    posts = standin.calls_to("chat.postMessage")
    assert len(posts) == 1
    assert posts[0].args["channel"] == "C0CHURN"
    assert posts[0].args["text"].startswith("New project: Churn Radar")
    assert "<@U0ALICE>" in str(posts[0].args["blocks"])
    assert [m["text"] for m in standin.messages("C0CHURN")] == [posts[0].args["text"]]


async def test_names_arrive_escaped_and_are_stored_plain(runtime, slack):
    answer = await slack.command("project create   R&amp;D &lt;Forecast&gt;  ", channel="C0RND")
    assert answer.status == 200
    async with runtime.db.session() as session:
        project = await projects.active_in_channel(session, "T0CRISP", "C0RND")
    assert project.name == "R&D <Forecast>"
    assert project.slug == "r-d-forecast"
    # Shown escaped again in mrkdwn.
    assert "R&amp;D &lt;Forecast&gt;" in str(answer.json["blocks"])


async def test_a_channel_holds_one_active_project(runtime, slack):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    again = await slack.command("project create Other", channel="C0CHURN")
    assert again.status == 200
    assert again.json["text"].startswith("This channel already tracks Churn Radar")
    assert await count(runtime, Project) == 1
    assert await count(runtime, OutboxMessage) == 1


async def test_names_are_unique_among_active_projects(runtime, slack):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    clash = await slack.command("project create churn  radar", channel="C0OTHER")
    assert "already exists in <#C0CHURN>" in clash.json["blocks"][0]["text"]["text"]
    assert await count(runtime, Project) == 1


async def test_different_names_with_one_slug_get_numbered_slugs_and_the_same_name_is_refused(runtime, slack):
    long = "Customer churn prediction for enterprise accounts in EMEA region"
    names = [("C++ model", "c-model"), ("C# model", "c-model-2"), ("Ünïcödé", "unicode"), ("Unicode", "unicode-2"),
             (long + " - 2024", slugify(long)), (long + " - 2025", slugify(long)[:58].rstrip("-") + "-2")]
    for n, (name, _) in enumerate(names):
        answer = await slack.command(f"project create {name}", channel=f"C0SLUG{n}")
        assert answer.json["text"].startswith("Created"), (name, answer.json["text"])
    async with runtime.db.read() as session:
        stored = {p.name: p.slug for p in await projects.active_for_team(session, "T0CRISP")}
    assert stored == dict(names)
    for same in ("c# MODEL", "Ｃ# model", "C#  model"):
        answer = await slack.command(f"project create {same}", channel="C0AGAIN")
        assert "already exists" in answer.json["text"], same


async def test_bad_names_get_a_clear_answer_and_change_nothing(runtime, slack):
    for text, expected in [
        ("project create " + "x" * 81, "keep it to 80"),
        ("project create <@U0BOB|bob>", "cannot contain a mention"),
        ("project create ???", "letters or digits"),
    ]:
        answer = await slack.command(text)
        assert answer.status == 200
        assert expected in answer.json["text"], answer.json["text"]
    assert await count(runtime, Project) == 0
    assert await count(runtime, AuditEntry) == 0
    assert await count(runtime, OutboxMessage) == 0


async def test_projects_live_in_channels_not_dms(runtime, slack):
    answer = await slack.command("project create Churn Radar", channel="D0ADMIN")
    assert "Projects live in channels" in answer.json["text"]
    assert await count(runtime, Project) == 0


async def test_two_creates_racing_for_one_channel_leave_one_project(runtime, slack):
    answers = await asyncio.gather(*(slack.command(f"project create Radar {n}", channel="C0RACE") for n in range(5)))
    assert all(a.status == 200 for a in answers)
    created = [a for a in answers if a.json["text"].startswith("Created")]
    assert len(created) == 1
    assert await count(runtime, Project) == 1
    assert await count(runtime, OutboxMessage) == 1


async def test_list_shows_active_projects_with_channel_phase_and_day(runtime, slack, clock):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    clock.advance(days=2, hours=1)
    await slack.command("project create Fraud Watch", channel="C0FRAUD")
    answer = await slack.command("project list", channel="C0ELSEWHERE", user="U0BOB")
    assert answer.json["text"].startswith("2 active projects: Churn Radar (Business understanding)")
    listing = answer.json["blocks"][1]["text"]["text"]
    assert "*Churn Radar* · <#C0CHURN> · Business understanding · day 3" in listing
    assert "*Fraud Watch* · <#C0FRAUD> · Business understanding · day 1" in listing


async def test_list_when_there_is_nothing(slack):
    answer = await slack.command("project list")
    assert answer.json["text"] == "No active projects yet."


async def test_archive_is_for_admins_and_is_announced(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    refused = await slack.command("project archive", user="U0BOB", channel="C0CHURN")
    assert refused.json["text"].startswith("Refused: only Crisp admins and the project's product owner")
    async with runtime.db.session() as session:
        assert await projects.active_in_channel(session, "T0CRISP", "C0CHURN") is not None

    done = await slack.command("project archive", user="U0ADMIN", channel="C0CHURN")
    assert done.json["text"] == "Archived Churn Radar."
    async with runtime.db.session() as session:
        assert await projects.active_in_channel(session, "T0CRISP", "C0CHURN") is None
        archived = (await session.execute(select(Project))).scalars().one()
        entries = await audit.for_project(session, archived.id)
    assert archived.archived_by == "U0ADMIN"
    assert [e.action for e in entries] == ["project.created", "role.added", "project.archived"]
    await drain()
    assert [c.args["text"] for c in standin.calls_to("chat.postMessage")] == [
        "New project: Churn Radar starts in Business understanding", "Churn Radar is archived"]

    # The channel is free again, and the old name too.
    again = await slack.command("project create Churn Radar", channel="C0CHURN")
    assert again.json["text"].startswith("Created Churn Radar")


async def test_archive_where_there_is_no_project(slack):
    answer = await slack.command("project archive", channel="C0EMPTY")
    assert answer.json["text"].startswith("This channel has no project yet.")
