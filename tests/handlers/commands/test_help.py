"""`/crisp help`, empty text, and words Crisp does not know."""

from __future__ import annotations

import json
import re

from bot.commands.dispatch import command_table
from bot.commands.help import show_help
from bot.commands.registry import Command, CommandTable, Invocation, Reply
from bot.permissions import Caller
from storage.queries import projects
from storage.tables import OutboxMessage, Project
from tests.conftest import count_rows


def listed(answer) -> list[str]:
    return answer.json["text"].splitlines()[1:]


async def test_empty_text_is_help_for_a_channel_without_project(slack):
    answer = await slack.command("", user="U0BOB", channel="C0NEW")
    assert answer.status == 200
    assert answer.json["response_type"] == "ephemeral"
    assert listed(answer) == ["/crisp help", "/crisp project create NAME", "/crisp project list", "/crisp alerts",
                              # about the caller, so anywhere:
                              "/crisp digest portfolio every DAYS at HH:MM [TZ]", "/crisp digest portfolio now", "/crisp digest portfolio off"]
    assert any(b["type"] == "actions" for b in answer.json["blocks"])  # a Create button


async def test_help_lists_only_what_the_caller_may_do_here(slack):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    member = await slack.command("help", user="U0BOB", channel="C0CHURN")
    assert listed(member) == ["/crisp help", "/crisp status", "/crisp project list", "/crisp phase",
                              "/crisp phase history", "/crisp roles", "/crisp milestones", "/crisp docs",
                              "/crisp docs export", "/crisp alerts",
                              "/crisp digest portfolio every DAYS at HH:MM [TZ]", "/crisp digest portfolio now",
                              "/crisp digest portfolio off"]
    assert "26 more commands need a role you don't hold here (most: product owner or manager) or admin " \
           "rights: `/crisp project archive`, " in \
        str(member.json["blocks"])

    admin = await slack.command("help", user="U0ADMIN", channel="C0CHURN")
    assert listed(admin) == ["/crisp help", "/crisp status", "/crisp project list", "/crisp project archive",
                             "/crisp phase", "/crisp phase next [NOTE]", "/crisp phase set PHASE [NOTE]",
                             "/crisp phase history", "/crisp phase target PHASE YYYY-MM-DD", "/crisp roles",
                             "/crisp role add @user ROLE", "/crisp role remove @user ROLE",
                             "/crisp stakeholder add @user", "/crisp stakeholder remove @user",
                             "/crisp project goal [TEXT]", "/crisp project metric [TEXT]",
                             "/crisp milestone add NAME [due YYYY-MM-DD]", "/crisp milestone done NAME",
                             "/crisp milestones", "/crisp docs", "/crisp docs export", "/crisp alerts",
                             "/crisp alerts route KEY=VALUE", "/crisp alerts unroute KEY=VALUE",
                             "/crisp alerts token", "/crisp alerts token rotate", "/crisp alerts channel [#CHANNEL|off]",
                             "/crisp checkin every DAYS at HH:MM [TZ]", "/crisp checkin now", "/crisp checkin off",
                             "/crisp checkin away @user YYYY-MM-DD|off", "/crisp checkin questions",
                             "/crisp digest every DAYS at HH:MM [TZ]", "/crisp digest now", "/crisp digest off",
                             "/crisp digest portfolio every DAYS at HH:MM [TZ]", "/crisp digest portfolio now",
                             "/crisp digest portfolio off", "/crisp feedback TEXT"]


async def test_unknown_words_get_the_closest_valid_form_and_change_nothing(runtime, slack):
    cases = {
        "stauts": "I don't know `stauts`. Did you mean `/crisp status`?",
        "project crate Churn": "I don't know `project crate`. Did you mean `/crisp project create NAME`?",
        "PROJECT LIST": None,  # any case is fine
        "projct lst": "I don't know `projct lst`. Did you mean `/crisp project list`?",
        "project frobnicate": "I don't know `project frobnicate`. Try `/crisp project create NAME`, "
                              "`/crisp project list`, `/crisp project archive`, `/crisp project goal [TEXT]`, "
                              "`/crisp project metric [TEXT]`.",
        "frobnicate now": "I don't know `frobnicate`.",
        # Slack escapes what was typed; the word is shown as typed (escaped once, inside code).
        "st&amp;tus": "I don't know `st&amp;tus`. Did you mean `/crisp status`?",
        "&lt;!here&gt;": "I don't know `&lt;!here&gt;`.",
    }
    for text, expected in cases.items():
        answer = await slack.command(text)
        assert answer.status == 200
        first_block = answer.json["blocks"][0]["text"]["text"] if answer.json.get("blocks") else ""
        if expected is None:
            assert "don't know" not in answer.json["text"]
        else:
            assert first_block == expected
            assert "`/crisp help` lists what you can do here." in str(answer.json["blocks"])
    assert await count_rows(runtime, Project) == await count_rows(runtime, OutboxMessage) == 0


async def test_renamed_slash_command_is_used_in_answers(database_url, standin, clock):
    from bot.runtime import Runtime
    from tests.conftest import SIGNING_SECRET, make_settings
    from tests.slack_client import SlackTestClient

    runtime = Runtime(make_settings(database_url, standin.base_url, slash_command="/mlops"), clock=clock)
    await runtime.start(http=True, worker=False)
    client = SlackTestClient(f"http://127.0.0.1:{runtime.port}", SIGNING_SECRET, clock)
    try:
        answer = await client.command("stauts", command="/mlops")
        assert "`/mlops status`" in answer.json["blocks"][0]["text"]["text"]
        other = await client.command("status", command="/crisp")
        assert other.status == 404  # not our command here
    finally:
        await client.close()
        await runtime.stop()


async def test_a_group_word_alone_lists_its_commands(runtime, slack):
    answer = await slack.command("project", user="U0BOB", channel="C0NEW")
    assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
    blocks = [b["text"]["text"] for b in answer.json["blocks"] if b["type"] == "section"]
    assert blocks == ["`/crisp project` needs one more word:",
                      "`/crisp project create NAME` — start a project bound to this channel\n"
                      "`/crisp project list` — all projects with their channel and phase\n"
                      "`/crisp project archive` — archive this channel's project\n"
                      "`/crisp project goal [TEXT]` — the business objective (no text: a form)\n"
                      "`/crisp project metric [TEXT]` — the quantifiable success metric (no text: a form)"]
    assert answer.json["text"].startswith("/crisp project needs one more word: /crisp project create NAME, ")
    assert "don't know" not in answer.text
    assert (await count_rows(runtime, Project), await count_rows(runtime, OutboxMessage)) == (0, 0)


async def test_words_after_a_command_that_takes_none_get_a_hint_and_change_nothing(runtime, slack):
    await slack.command("project create Churn Radar", channel="C0CHURN")
    cases = {
        "status now": "`status` takes no arguments — did you mean `/crisp status`?",
        "project list all": "`project list` takes no arguments — did you mean `/crisp project list`?",
        "project archive Churn Radar": "`project archive` takes no arguments — "
                                       "did you mean `/crisp project archive`?",
    }
    for text, expected in cases.items():
        answer = await slack.command(text, channel="C0CHURN")
        assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
        assert answer.json["blocks"][0]["text"]["text"] == expected
        assert answer.json["text"] == expected.replace("`", "")
    async with runtime.db.session() as session:
        assert await projects.active_in_channel(session, "T0CRISP", "C0CHURN") is not None  # not archived
    assert await count_rows(runtime, OutboxMessage) == 1  # the creation's announcement, nothing more


def mentioned_commands(answer) -> set[str]:
    """Every `/crisp …` the answer names: `code` in its blocks, and the lines of its fallback text."""
    in_blocks = re.findall(r"`/crisp ([^`]*)`", json.dumps(answer.json["blocks"]))
    in_text = [line.removeprefix("/crisp ") for line in answer.json["text"].splitlines()[1:]]
    return set(in_blocks) | set(in_text)


async def test_help_names_only_commands_that_exist(slack):
    usages = {c.usage for c in command_table().in_help_order}
    without = await slack.command("help", user="U0BOB", channel="C0NEW")
    await slack.command("project create Churn Radar", channel="C0CHURN")
    member = await slack.command("help", user="U0BOB", channel="C0CHURN")
    admin = await slack.command("help", user="U0ADMIN", channel="C0CHURN")
    for answer in (without, member, admin):
        assert mentioned_commands(answer) <= usages, mentioned_commands(answer) - usages
        assert "roles, milestones" not in answer.text.lower()
    assert mentioned_commands(admin) == usages  # the admin, in a project channel, is told of every one
    # The footer points to what works in the other kind of channel.
    assert "In a project's channel: `/crisp status`, `/crisp phase`, `/crisp phase history`, `/crisp roles`, `/crisp milestones`, `/crisp docs`, `/crisp docs export`." in \
        str(without.json["blocks"])
    assert "In a channel without a project: `/crisp project create NAME`." in str(admin.json["blocks"])


async def test_help_grows_with_the_table(runtime):
    async def move_on(invocation) -> Reply:
        return Reply()

    grown = CommandTable([*command_table().in_help_order,
                          Command(("phase", "next"), "move to the following phase", move_on, args="[NOTE]")])
    async with runtime.db.session() as reads:
        invocation = Invocation(runtime.services, Caller("T0CRISP", "U0BOB", is_admin=False), "C0NEW", "",
                                None, open_modal=None, commands=grown, reads=reads)
        reply = await show_help(invocation)
    assert reply.body["text"].splitlines()[1:] == [
        "/crisp help", "/crisp project create NAME", "/crisp project list", "/crisp alerts",
        "/crisp digest portfolio every DAYS at HH:MM [TZ]", "/crisp digest portfolio now", "/crisp digest portfolio off",
        "/crisp phase next [NOTE]"]
