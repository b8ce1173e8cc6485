"""Refusals name who may act and who that is in this project: commands and the phase card's buttons."""

from __future__ import annotations

import json

from bot.views.ids import ActionId
from storage.queries import projects
from tests.handlers.conftest import table_counts


async def test_a_refused_button_names_the_projects_leads(runtime, slack, standin, drain):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    async with runtime.db.read() as session:
        project = await projects.active_in_channel(session, "T0CRISP", "C0CHURN")
    await drain()
    before = await table_counts(runtime.db)
    value = json.dumps({"p": project.id, "to": "data-understanding", "frm": "business-understanding", "note": None})
    await slack.press(ActionId.PHASE_MOVE_ANYWAY, user="U0BOB", value=value,
                      response_url=standin.response_url("C0CHURN", "U0BOB"))
    await drain()
    [told] = standin.calls_to("chat.postEphemeral")
    assert told.args["user"] == "U0BOB"
    assert told.args["text"].splitlines()[0] == (
        "Refused: only Crisp admins and the project's product owner or product manager may change the phase. "
        "Here that is <@U0ALICE> (product owner).")
    after = await table_counts(runtime.db)
    assert {k: v for k, v in after.items() if k != "outbox"} == {k: v for k, v in before.items() if k != "outbox"}


async def test_a_refused_phase_command_names_the_holders_or_the_admins(runtime, slack):
    await slack.command("project create Churn Radar", user="U0ADMIN", channel="C0CHURN")
    refused = await slack.command("phase next", user="U0BOB")
    assert refused.json["text"].splitlines()[0].endswith("Nobody holds those roles here yet: ask an admin (<@U0ADMIN>).")
    await slack.command("role add <@U0CAROL|carol> product manager")
    await slack.command("role add <@U0DAVE|dave> po")
    await slack.command("role add <@U0DAVE|dave> ds")
    refused = await slack.command("phase set modeling", user="U0BOB")
    assert refused.json["text"].splitlines()[0].endswith(
        "Here that is <@U0CAROL> (product manager) and <@U0DAVE> (product owner).")
