"""OAuth mode: Crisp's own user id in a workspace is its installation's bot user (no auth.test at start-up
names one), read from the installation store without a Slack call. Signed HTTP into the app, a workspace
installed through the stand-in's install flow, both databases."""

from __future__ import annotations

import aiohttp
import pytest
from sqlalchemy import select

from bot.crisp_dm import Role
from bot.team import service as team_service
from storage.tables import DocRequest, OutboxMessage, Project, ScheduleRun
from tests.conftest import SIGNING_SECRET
from tests.lifecycle.helpers import put_in
from tests.slack_client import SlackTestClient
from tests.workspaces.oauth_helpers import install, oauth_runtime  # noqa: F401

TEAM = "T0ALPHA"
CRISP = f"U{TEAM[1:]}BOT1"  # the stand-in's bot user of this workspace's install
CHANNEL, ALICE = "C0CHURN", "U0ALICE"


@pytest.fixture
async def alpha(oauth_runtime, standin, clock):
    """A signed-request client of workspace TEAM, Crisp installed there through /slack/install."""
    standin.add_workspace(TEAM, "Alpha")
    base = f"http://127.0.0.1:{oauth_runtime.port}"
    async with aiohttp.ClientSession() as http:
        assert (await install(http, base, standin, TEAM)).status == 200
    client = SlackTestClient(base, SIGNING_SECRET, clock, team_id=TEAM)
    yield client
    await client.close()


async def project_of(runtime) -> Project:
    async with runtime.db.read() as session:
        return (await session.execute(select(Project))).scalars().one()


async def queued(runtime) -> list[OutboxMessage]:
    async with runtime.db.read() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def crisp_holds(runtime, role: Role) -> None:
    """Crisp given a role anyway (a row from before this check, or typed into the database)."""
    project = await project_of(runtime)
    async with runtime.db.transaction() as session:
        await team_service.assign(session, team_id=TEAM, project_id=project.id, user_id=CRISP, role=role.value,
                                  actor_id="U0ADMIN", now=runtime.clock.now())


async def test_the_bot_user_comes_from_the_installation_without_a_slack_call(oauth_runtime, alpha, standin):
    before = len(standin.calls)
    assert await oauth_runtime.services.bot_user_for(TEAM) == CRISP
    assert await oauth_runtime.services.bot_user_for("T0NOTHERE") is None
    assert oauth_runtime.services.bot_user_id() is None  # no single token, no start-up auth.test
    assert standin.calls[before:] == []


async def test_crisp_is_refused_as_a_role_holder_and_a_stakeholder(oauth_runtime, alpha):
    await alpha.command("project create Churn Radar", channel=CHANNEL)
    for text in (f"role add <@{CRISP}|crisp> data-scientist", f"stakeholder add <@{CRISP}|crisp>"):
        answer = await alpha.command(text, channel=CHANNEL)
        assert answer.json["text"] == "That is a bot, not a person: name someone from the team.", text
    answer = await alpha.command(f"role add <@{ALICE}|alice> data-scientist", channel=CHANNEL)
    assert "That is a bot" not in answer.json["text"]


async def test_a_checkin_and_a_documentation_request_skip_crisp(oauth_runtime, alpha):
    from bot.crisp_dm import Phase

    await alpha.command("project create Churn Radar", channel=CHANNEL)
    await alpha.command(f"role add <@{ALICE}|alice> ml-engineer", channel=CHANNEL)
    await crisp_holds(oauth_runtime, Role.DATA_SCIENTIST)
    assert (await alpha.command("checkin now", channel=CHANNEL)).status == 200
    async with oauth_runtime.db.read() as session:
        [run] = (await session.execute(select(ScheduleRun))).scalars().all()
    assert run.asked == [ALICE]

    # Modeling asks its data scientist for the record: Crisp is none, so nobody is asked for that role.
    await put_in(oauth_runtime, (await project_of(oauth_runtime)).id, Phase.MODELING)
    await alpha.command("milestone add Baseline", channel=CHANNEL)
    await alpha.command("milestone done Baseline", channel=CHANNEL)
    async with oauth_runtime.db.read() as session:
        [request] = (await session.execute(select(DocRequest))).scalars().all()
    assert [entry["user"] for entry in request.asked] == []
    assert CRISP not in [row.payload.get("channel") for row in await queued(oauth_runtime)]


async def test_crisp_joining_a_channel_introduces_itself_and_a_person_joining_does_not(oauth_runtime, alpha):
    assert (await alpha.event({"type": "member_joined_channel", "user": ALICE, "channel": "C0NEW"})).status == 200
    assert (await alpha.event({"type": "member_joined_channel", "user": CRISP, "channel": "C0NEW"})).status == 200
    [intro] = [row for row in await queued(oauth_runtime) if row.payload.get("channel") == "C0NEW"]
    assert intro.team_id == TEAM and "project create" in str(intro.payload)
