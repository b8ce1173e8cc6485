"""The guide Crisp posts when it joins a channel and when a project starts, and the help that follows the phase."""

from __future__ import annotations

import re

from bot.commands.dispatch import command_table
from bot.crisp_dm import Phase
from bot.onboarding.guide import commands_for
from bot.permissions import Caller
from storage.queries import projects

USAGES = {c.usage: c for c in command_table().in_help_order}
JOINED = {"type": "member_joined_channel", "channel_type": "C", "team": "T0CRISP"}


def guide_lines(text: str) -> list[str]:
    """The usages a guide section names, in order."""
    return re.findall(r"• `/crisp ([^`]*)`", text)


async def set_phase(runtime, channel: str, phase: Phase) -> None:
    async with runtime.db.transaction() as session:
        project = await projects.active_in_channel(session, "T0CRISP", channel)
        project.phase = phase.value


def test_every_phase_has_three_commands_that_exist():
    for phase in (None, *Phase):
        chosen = commands_for(phase)
        assert len(chosen) == 3, phase
        assert all(c.usage in USAGES for c in chosen)
    assert [c.usage for c in commands_for(Phase.BUSINESS_UNDERSTANDING)] == [
        "project goal [TEXT]", "project metric [TEXT]", "role add @user ROLE"]


async def test_joining_a_channel_without_project_posts_what_crisp_does_and_how_to_begin(slack, standin, drain):
    bot = standin.identity.bot_user_id
    await slack.event({**JOINED, "user": bot, "channel": "C0NEW"}, event_id="Ev1")
    await drain()
    [intro] = standin.calls_to("chat.postMessage")
    sections = [b["text"]["text"] for b in intro.args["blocks"] if b["type"] == "section"]
    assert "I keep an ML project on track along CRISP-DM" in sections[0]
    assert sections[1].startswith("*To begin:*")
    assert guide_lines(sections[1]) == ["project create NAME", "help", "project list"]


async def test_joining_a_project_channel_posts_the_guide_for_its_phase_once(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await set_phase(runtime, "C0CHURN", Phase.MODELING)
    await drain()
    bot = standin.identity.bot_user_id
    event = {**JOINED, "user": bot, "channel": "C0CHURN"}
    await slack.event(event, event_id="Ev2")
    await slack.event(event, event_id="Ev2", retry_num=1)  # Slack's retry: no second guide
    await drain()
    posts = standin.calls_to("chat.postMessage")
    assert len(posts) == 2
    guide = posts[1].args
    assert guide["text"] == "Crisp is here for Churn Radar, now in Modeling."
    section = guide["blocks"][1]["text"]["text"]
    assert section.startswith("*What matters now, in Modeling:*")
    assert guide_lines(section) == [c.usage for c in commands_for(Phase.MODELING)]
    assert "Create a project" not in str(guide["blocks"])


async def test_creating_a_project_posts_the_guide_for_business_understanding(slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await drain()
    [announcement] = standin.calls_to("chat.postMessage")
    section = announcement.args["blocks"][1]["text"]["text"]
    assert section.startswith("*What matters now, in Business understanding:*")
    assert guide_lines(section) == ["project goal [TEXT]", "project metric [TEXT]", "role add @user ROLE"]
    assert "I keep an ML project on track along CRISP-DM" in announcement.args["blocks"][0]["text"]["text"]


async def test_help_in_a_project_channel_puts_this_phases_commands_first_and_marks_what_the_caller_may_not_do(
        runtime, slack):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    for phase in Phase:
        await set_phase(runtime, "C0CHURN", phase)
        for user, roles in (("U0BOB", frozenset()), ("U0ALICE", frozenset({"product-owner"}))):
            answer = await slack.command("help", user=user)
            blocks = answer.json["blocks"]
            assert blocks[1]["text"]["text"] == f"This channel tracks *Churn Radar*, now in *{phase.title}*."
            now = blocks[2]["text"]["text"]
            assert now.startswith(f"*What matters now, in {phase.title}:*")
            expected = [c.usage for c in commands_for(phase)]
            assert guide_lines(now) == expected
            caller = Caller("T0CRISP", user, is_admin=False, roles=roles)
            for usage, line in zip(expected, now.splitlines()[1:]):
                assert (":lock:" in line) == (not caller.may(USAGES[usage].action)), (phase, user, line)
            assert blocks[3]["text"]["text"].startswith("*Everything you can do here:*")
