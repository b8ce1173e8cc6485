"""`/crisp stakeholder add|remove`, and `project goal|metric` by command and by form."""

from __future__ import annotations

import asyncio

import json

from sqlalchemy import select

from bot.views.ids import BlockId, CallbackId, InputId
from storage.queries import audit, projects
from storage.queries import team as team_rows
from storage.tables import OutboxMessage, Stakeholder
from tests.handlers.conftest import table_counts
from tests.slack_text import assert_nothing_live, parsed_fields

HOSTILE = "Cut churn &lt;!channel&gt; <!here> &lt;@U1&gt; <!subteam^S1|@team> *now*"


async def project_of(runtime, channel="C0CHURN"):
    async with runtime.db.read() as session:
        return await projects.active_in_channel(session, "T0CRISP", channel)


async def test_stakeholders_are_added_and_removed_with_history_and_sponsors_count(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    added = await slack.command("stakeholder add <@U0BOB|bob>", user="U0ALICE")
    assert added.json["text"] == "<@U0BOB> is now a stakeholder; announced in the channel."
    await slack.command("stakeholder add <@U0CAROL>", user="U0ALICE")
    await slack.command("role add <@U0DAVE|dave> sponsor", user="U0ALICE")
    again = await slack.command("stakeholder add <@U0BOB|bob>", user="U0ALICE")
    assert again.json["text"].startswith("<@U0BOB> is already a stakeholder here; nothing changed.")
    removed = await slack.command("stakeholder remove <@U0CAROL|carol>", user="U0ALICE")
    assert removed.json["text"] == "<@U0CAROL> is no longer a stakeholder; announced in the channel."
    sponsor = await slack.command("stakeholder remove <@U0DAVE|dave>", user="U0ALICE")
    assert "They count as one because they hold *Sponsor*" in sponsor.json["blocks"][0]["text"]["text"]
    extra = await slack.command("stakeholder add <@U0EVE|eve> please", user="U0ALICE")
    assert extra.json["text"].startswith("stakeholder add @user takes only the person")

    async with runtime.db.read() as session:
        rows = (await session.execute(select(Stakeholder).order_by(Stakeholder.id))).scalars().all()
        project = await projects.active_in_channel(session, "T0CRISP", "C0CHURN")
        actions = [e.action for e in await audit.for_project(session, project.id)]
    assert [(r.user_id, r.removed_by) for r in rows] == [("U0BOB", None), ("U0CAROL", "U0ALICE")]
    assert actions.count("stakeholder.added") == 2 and actions.count("stakeholder.removed") == 1

    # Listed with the sponsor marked: in `roles` and on the status card.
    for command in ("roles", "status"):
        answer = await slack.command(command, user="U0BOB")
        assert "*Stakeholders:* <@U0BOB>, <@U0DAVE> (sponsor)" in str(answer.json["blocks"]), command
    await drain()
    texts = [c.args["text"] for c in standin.calls_to("chat.postMessage")]
    assert texts.count("<@U0BOB> is now a stakeholder of Churn Radar") == 1
    assert texts.count("<@U0CAROL> is no longer a stakeholder of Churn Radar") == 1


async def test_goal_and_metric_by_command_are_stored_as_typed_and_shown_without_live_mentions(
        runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    goal = await slack.command(f"project goal {HOSTILE}", user="U0ALICE")
    assert goal.json["text"] == "Saved the goal; announced in the channel."
    metric = await slack.command("project metric Churn &lt; 5% &amp; NPS &gt; 40", user="U0ALICE")
    assert metric.json["text"] == "Saved the success metric; announced in the channel."
    project = await project_of(runtime)
    # As typed: Slack's escapes undone once, its tokens kept as the words typed.
    assert project.goal == "Cut churn <!channel> @here <@U1> @team *now*"
    assert project.success_metric == "Churn < 5% & NPS > 40"

    same = await slack.command(f"project goal {HOSTILE}", user="U0ALICE")
    assert same.json["text"] == "The goal already reads exactly that; nothing changed."
    too_long = await slack.command("project metric " + "x" * 501, user="U0ALICE")
    assert too_long.json["text"].startswith("The success metric is 501 characters long; keep it to 500.")

    card = await slack.command("status", user="U0BOB")
    fields = [f["text"] for f in card.json["blocks"][1]["fields"]]
    assert fields[4].startswith("*Goal*\nCut churn &lt;!channel&gt; @here &lt;@U1&gt; @team "), fields[4]
    assert fields[5] == "*Success metric*\nChurn &lt; 5% &amp; NPS &gt; 40"
    await drain()
    sent = [c.args for c in standin.calls_to("chat.postMessage")]
    for payload in [card.json, goal.json, *sent]:
        assert_nothing_live(payload, users={"U0ALICE"}, channels={"C0CHURN"})
    assert "Cut churn" in "".join(parsed_fields(sent[-2]))
    async with runtime.db.read() as session:
        entries = await audit.for_project(session, project.id)
    assert [(e.action, e.detail) for e in entries if e.action == "project.objective"] == [
        ("project.objective", {"goal": project.goal}), ("project.objective", {"success_metric": project.success_metric})]


async def test_goal_without_text_opens_the_form_prefilled_and_saving_it_stores_both(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await slack.command("project metric Churn below 5%", user="U0ALICE")
    standin.register_trigger("t-goal", "U0ALICE")
    answer = await slack.command("project goal", user="U0ALICE", trigger_id="t-goal")
    assert answer.status == 200 and answer.text == ""
    [opened] = standin.calls_to("views.open")
    view = opened.response["view"]
    assert view["callback_id"] == CallbackId.SET_OBJECTIVE
    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert "initial_value" not in fields[BlockId.PROJECT_GOAL]
    assert fields[BlockId.PROJECT_METRIC]["initial_value"] == "Churn below 5%"

    def values(goal, metric):
        return {BlockId.PROJECT_GOAL: {InputId.PROJECT_GOAL: {"type": "plain_text_input", "value": goal}},
                BlockId.PROJECT_METRIC: {InputId.PROJECT_METRIC: {"type": "plain_text_input", "value": metric}}}

    # Too long: the form stays open with the error on the field; nothing is stored.
    before = await table_counts(runtime.db)
    long = await slack.submit(view, values("y" * 501, "Churn below 5%"), user="U0ALICE")
    assert long.json["response_action"] == "errors"
    assert long.json["errors"] == {BlockId.PROJECT_GOAL: "Keep the goal to 500 characters (this one has 501)."}
    # Someone who may not set it (the form was forwarded, or their role went meanwhile).
    refused = await slack.submit(view, values("Win", "Churn below 5%"), user="U0BOB")
    error = refused.json["errors"][BlockId.PROJECT_GOAL]
    assert error.startswith("Refused: only Crisp admins and the project's product owner or product manager may set")
    assert error.endswith("/crisp roles shows who they are here.") and "<" not in error and "`" not in error
    assert await table_counts(runtime.db) == before

    typed = "Keep new customers\n<!here> &lt;@U1&gt; stays as typed"
    done = await slack.submit(view, values(typed, "Churn below 5%"), user="U0ALICE")
    assert done.status == 200 and done.text == ""
    project = await project_of(runtime)
    assert (project.goal, project.success_metric) == (typed, "Churn below 5%")
    # Slack resends a submission it thinks was lost: nothing changes, nothing is announced twice.
    await slack.submit(view, values(typed, "Churn below 5%"), user="U0ALICE")
    await drain()
    posts = [c.args for c in standin.calls_to("chat.postMessage")]
    assert [p["text"] for p in posts[1:]] == ["Churn Radar: new success metric", "Churn Radar: new goal"]
    assert_nothing_live(posts[-1], users={"U0ALICE"}, channels={"C0CHURN"})
    async with runtime.db.read() as session:
        rows = (await session.execute(select(OutboxMessage.method))).scalars().all()
    assert rows.count("chat.postMessage") == 3

    # Emptying a field clears it.
    await slack.submit(view, values(typed, ""), user="U0ALICE")
    assert (await project_of(runtime)).success_metric is None


async def test_copies_of_one_metric_sent_at_once_change_and_announce_it_once(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await drain()
    posted = len(standin.calls_to("chat.postMessage"))
    answers = await asyncio.gather(*(slack.command("project metric Churn below 4%", user="U0ALICE")
                                     for _ in range(6)))
    texts = sorted(a.json["text"] for a in answers)
    assert texts == ["Saved the success metric; announced in the channel."] + [
        "The success metric already reads exactly that; nothing changed."] * 5
    await drain()
    assert len(standin.calls_to("chat.postMessage")) == posted + 1
    project = await project_of(runtime)
    async with runtime.db.read() as session:
        entries = await audit.for_project(session, project.id)
    assert [e.detail for e in entries if e.action == "project.objective"] == [{"success_metric": "Churn below 4%"}]


async def test_crisp_itself_and_slackbot_hold_no_role_and_are_no_stakeholders(runtime, slack, standin):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    before = await table_counts(runtime.db)
    crisp = standin.identity.bot_user_id
    for text in (f"role add <@{crisp}|crisp> sponsor", "role add <@USLACKBOT> qa", f"stakeholder add <@{crisp}>"):
        answer = await slack.command(text, user="U0ALICE")
        assert answer.json["text"] == "That is a bot, not a person: name someone from the team.", text
    assert await table_counts(runtime.db) == before


async def test_the_last_lead_cannot_be_removed_except_by_an_admin(runtime, slack):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")  # Alice: product owner
    await slack.command("role add <@U0BOB> product-manager", user="U0ALICE")
    # The two leads remove each other at the same moment: one of them stays.
    first, second = await asyncio.gather(slack.command("role remove <@U0BOB> product-manager", user="U0ALICE"),
                                         slack.command("role remove <@U0ALICE> product-owner", user="U0BOB"))
    answers = sorted([first.json["text"], second.json["text"]])
    # The other is refused: as the last lead, or (when the first removal landed before its roles were read)
    # as no longer a lead at all.
    assert any("last product owner or manager" in text or text.startswith("Refused: only Crisp admins")
               for text in answers), answers
    assert any("is no longer" in text for text in answers), answers
    async with runtime.db.read() as session:
        project = await projects.active_in_channel(session, "T0CRISP", "C0CHURN")
        leads = [pair for pair in await team_rows.current_holders(session, project.id)
                 if pair[0] in ("product-owner", "product-manager")]
    assert len(leads) == 1
    [(role, holder)] = leads
    alone = await slack.command(f"role remove <@{holder}> {role}", user=holder)
    assert "last product owner or manager" in alone.json["text"]
    by_admin = await slack.command(f"role remove <@{holder}> {role}", user="U0ADMIN")
    assert "last product owner" not in by_admin.json["text"]


async def test_a_form_submission_without_a_field_leaves_that_field_as_stored(runtime, slack, standin):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await slack.command("project goal Keep new customers", user="U0ALICE")
    standin.register_trigger("t-goal", "U0ALICE")
    await slack.command("project goal", user="U0ALICE", trigger_id="t-goal")
    [opened] = standin.calls_to("views.open")
    partial = {BlockId.PROJECT_METRIC: {InputId.PROJECT_METRIC: {"type": "plain_text_input", "value": "NPS 40"}}}
    answer = await slack.submit(opened.response["view"], partial, user="U0ALICE")
    assert answer.status == 200 and answer.text == ""
    project = await project_of(runtime)
    assert (project.goal, project.success_metric) == ("Keep new customers", "NPS 40")
