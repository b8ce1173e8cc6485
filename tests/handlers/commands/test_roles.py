"""`/crisp role add|remove` and `roles` through signed HTTP requests, the database and the stand-in."""

from __future__ import annotations

from sqlalchemy import select

from storage.queries import audit, projects, team
from storage.tables import AuditEntry, OutboxMessage, RoleAssignment
from tests.conftest import count_rows
from tests.handlers.conftest import table_counts


async def project_of(runtime, channel="C0CHURN"):
    async with runtime.db.read() as session:
        return await projects.active_in_channel(session, "T0CRISP", channel)


async def assignments(runtime) -> list[tuple[str, str, str | None]]:
    """(user, role, removed_by) of every assignment ever made, oldest first."""
    async with runtime.db.read() as session:
        rows = (await session.execute(select(RoleAssignment).order_by(RoleAssignment.id))).scalars()
        return [(r.user_id, r.role, r.removed_by) for r in rows]


async def test_the_creator_becomes_product_owner_and_the_announcement_says_so(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    assert await assignments(runtime) == [("U0ALICE", "product-owner", None)]
    project = await project_of(runtime)
    async with runtime.db.read() as session:
        actions = [e.action for e in await audit.for_project(session, project.id)]
    assert actions == ["project.created", "role.added"]
    await drain()
    [post] = standin.calls_to("chat.postMessage")
    assert "<@U0ALICE> started *Churn Radar* in this channel and is its *Product owner*." in str(post.args["blocks"])

    # An admin creating one is not made its owner: admins may do everything anyway.
    await slack.command("project create Fraud Watch", user="U0ADMIN", channel="C0FRAUD")
    assert len(await assignments(runtime)) == 1


async def test_roles_are_added_removed_and_kept_with_their_history(runtime, slack, standin, drain, clock):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    added = await slack.command("role add <@U0BOB|bob> data-scientist", user="U0ALICE")
    assert added.status == 200 and added.json["response_type"] == "ephemeral"
    assert added.json["text"] == "<@U0BOB> is now Data scientist; announced in the channel."
    clock.advance(hours=1)
    # A person may hold several roles; aliases in any case, spaces or dashes.
    for text in ("role add <@U0BOB|bob> Data Engineer", "role add <@U0BOB> MLE", "role add <@U0CAROL|carol> PM"):
        answer = await slack.command(text, user="U0ALICE")
        assert "is now" in answer.json["text"], answer.json["text"]
    clock.advance(hours=1)
    removed = await slack.command("role remove <@U0BOB|bob> ml engineer", user="U0ALICE")
    assert removed.json["text"] == "<@U0BOB> is no longer ML engineer; announced in the channel."

    assert await assignments(runtime) == [
        ("U0ALICE", "product-owner", None), ("U0BOB", "data-scientist", None), ("U0BOB", "data-engineer", None),
        ("U0BOB", "ml-engineer", "U0ALICE"), ("U0CAROL", "product-manager", None)]
    project = await project_of(runtime)
    async with runtime.db.read() as session:
        assert await team.roles_of(session, project.id, "U0BOB") == {"data-scientist", "data-engineer"}
        entries = await audit.for_project(session, project.id)
    assert [(e.action, e.detail.get("user"), e.detail.get("role")) for e in entries[1:]] == [
        ("role.added", "U0ALICE", "product-owner"), ("role.added", "U0BOB", "data-scientist"),
        ("role.added", "U0BOB", "data-engineer"), ("role.added", "U0BOB", "ml-engineer"),
        ("role.added", "U0CAROL", "product-manager"), ("role.removed", "U0BOB", "ml-engineer")]

    listing = await slack.command("roles", user="U0DAVE")  # anyone reads
    assert listing.json["text"].splitlines()[0] == \
        "Churn Radar team: 3 people in 4 roles; Business understanding lacks Sponsor"
    blocks = str(listing.json["blocks"])
    assert "*Product owner* — <@U0ALICE>" in blocks
    assert "*Product manager* — <@U0CAROL>" in blocks
    assert "*Data scientist* — <@U0BOB>" in blocks and "*Data engineer* — <@U0BOB>" in blocks
    assert "ML engineer* —" not in blocks
    assert "Business understanding expects, but nobody holds:* Sponsor" in blocks
    history = listing.json["blocks"][-2]["elements"][0]["text"]
    lines = history.splitlines()
    assert lines[0] == "*Recent changes*" and len(lines) == 6  # the five newest
    assert lines[1].endswith("<@U0ALICE> removed <@U0BOB> as ML engineer")
    assert lines[2].endswith("<@U0ALICE> made <@U0CAROL> Product manager")

    # Each change announced once, in the channel.
    await drain()
    texts = [c.args["text"] for c in standin.calls_to("chat.postMessage")]
    assert texts[1:] == ["<@U0BOB> is now Data scientist on Churn Radar", "<@U0BOB> is now Data engineer on Churn Radar",
                         "<@U0BOB> is now ML engineer on Churn Radar", "<@U0CAROL> is now Product manager on Churn Radar",
                         "<@U0BOB> is no longer ML engineer on Churn Radar"]
    assert all(c.args["channel"] == "C0CHURN" for c in standin.calls_to("chat.postMessage"))
    # Removed and given again: a new row, announced again.
    await slack.command("role add <@U0BOB> ml-engineer", user="U0ALICE")
    assert (await assignments(runtime))[-1] == ("U0BOB", "ml-engineer", None)
    await drain()
    assert standin.calls_to("chat.postMessage")[-1].args["text"] == "<@U0BOB> is now ML engineer on Churn Radar"


async def test_every_role_alias_in_any_case_is_accepted(runtime, slack):
    from bot.crisp_dm import ROLE_ALIASES, Role

    await slack.command("project create Churn Radar", user="U0ADMIN", channel="C0CHURN")
    for role in Role:
        for n, typed in enumerate((role.value, *ROLE_ALIASES[role])):
            spelled = typed.replace("-", " ").upper() if n % 2 else typed.title()
            add = await slack.command(f"role add <@U0BOB|bob> {spelled}")
            assert add.json["text"].startswith(f"<@U0BOB> is now {role.title}"), (spelled, add.json["text"])
            remove = await slack.command(f"role remove <@U0BOB|bob> {spelled.lower()}")
            assert remove.json["text"].startswith(f"<@U0BOB> is no longer {role.title}"), spelled


async def test_unknown_roles_duplicates_and_bad_people_change_nothing(runtime, slack):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await slack.command("role add <@U0BOB|bob> ds", user="U0ALICE")
    before = await table_counts(runtime.db)
    cases = {
        "role add <@U0BOB|bob> data scientst": "I don't know the role `data scientst`. Did you mean `data-scientist`?",
        "role add <@U0BOB|bob> wizard": "I don't know the role `wizard`.",
        "role add <@U0BOB|bob> Data-Scientist": "<@U0BOB> already holds *Data scientist* here; nothing changed.",
        "role remove <@U0BOB|bob> sponsor": "<@U0BOB> does not hold *Sponsor* here; nothing changed. "
                                           "They hold: Data scientist.",
        "role add bob data-scientist": "Name the person with an @-mention Slack links, "
                                       "e.g. `role add @user ROLE`.",
        "role add <@U0BOB|bob> <@U0ALICE|alice> qa": "Name one person at a time: `role add @user ROLE`.",
        "role add <@U0BOB|bob>": "Which role? `role add @user ROLE` with one of: `product-owner`,",
        "role add <@U0BOB|bob> &lt;!channel&gt;": "I don't know the role `&lt;!channel&gt;`.",
    }
    for text, expected in cases.items():
        answer = await slack.command(text, user="U0ALICE")
        assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
        assert answer.json["blocks"][0]["text"]["text"].startswith(expected), (text, answer.json["blocks"][0])
    wizard = await slack.command("role add <@U0BOB|bob> wizard", user="U0ALICE")
    assert "Roles: `product-owner`, `product-manager`, `data-scientist`" in str(wizard.json["blocks"])
    assert await table_counts(runtime.db) == before


async def test_a_member_without_a_lead_role_cannot_change_roles_and_is_told_who_can(runtime, slack):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await slack.command("role add <@U0BOB|bob> data-scientist", user="U0ALICE")
    await slack.command("role add <@U0CAROL|carol> pm", user="U0ALICE")
    before = await table_counts(runtime.db)
    for text in ("role add <@U0BOB|bob> sponsor", "role remove <@U0ALICE|alice> po", "stakeholder add <@U0BOB>",
                 "project goal Win"):
        refused = await slack.command(text, user="U0BOB")  # a data scientist, not a lead, not an admin
        first = refused.json["text"].splitlines()[0]
        assert first.startswith("Refused: only Crisp admins and the project's product owner or product manager "
                                "may "), first
        assert first.endswith("Here that is <@U0ALICE> (product owner) and <@U0CAROL> (product manager)."), first
    assert await table_counts(runtime.db) == before

    # Where nobody leads, the refusal points to the admins.
    await slack.command("project create Fraud Watch", user="U0ADMIN", channel="C0FRAUD")
    refused = await slack.command("role add <@U0BOB|bob> ds", user="U0BOB", channel="C0FRAUD")
    assert refused.json["text"].splitlines()[0] == (
        "Refused: only Crisp admins and the project's product owner or product manager may manage roles and "
        "stakeholders. Nobody holds those roles here yet: ask an admin (<@U0ADMIN>).")
    # A product manager may manage the team.
    done = await slack.command("role add <@U0DAVE|dave> qa", user="U0CAROL")
    assert done.json["text"].startswith("<@U0DAVE> is now QA")


async def test_two_people_adding_the_same_role_at_once_store_it_once(runtime, slack):
    import asyncio

    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    answers = await asyncio.gather(*(slack.command("role add <@U0BOB|bob> ds", user="U0ALICE") for _ in range(6)))
    texts = sorted(a.json["text"].splitlines()[0] for a in answers)
    assert texts.count("<@U0BOB> is now Data scientist; announced in the channel.") == 1
    assert all("already holds" in t for t in texts if "is now" not in t)
    assert await assignments(runtime) == [("U0ALICE", "product-owner", None), ("U0BOB", "data-scientist", None)]
    async with runtime.db.read() as session:
        rows = (await session.execute(select(OutboxMessage.payload))).scalars().all()
    assert sum("is now Data scientist" in p["text"] for p in rows) == 1
    assert await count_rows(runtime, AuditEntry) == 3


async def test_role_commands_need_a_project(slack):
    answer = await slack.command("roles", channel="C0EMPTY")
    assert answer.json["text"].startswith("This channel has no project yet.")
