"""App Home through `app_home_opened` events: the person's projects, roles and what waits on them."""

from __future__ import annotations

from datetime import timedelta

from storage.queries import projects
from storage.tables import ChecklistTick, Project


def opened(user: str) -> dict:
    return {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}


async def project_in(runtime, channel: str) -> Project:
    async with runtime.db.read() as session:
        return await projects.active_in_channel(session, "T0CRISP", channel)


def texts(view: dict) -> list[str]:
    found = []
    for block in view["blocks"]:
        if block["type"] in ("section", "header"):
            found.append(block["text"]["text"])
        elif block["type"] == "context":
            found += [e["text"] for e in block["elements"]]
    return found


async def test_home_lists_the_persons_projects_roles_and_what_waits_on_them(runtime, slack, standin, drain, clock):
    await slack.command("project create Churn Radar", user="U0ALICE", channel="C0CHURN")
    await slack.command("project create Fraud Watch", user="U0ADMIN", channel="C0FRAUD")
    await slack.command("project create Other Thing", user="U0ADMIN", channel="C0OTHER")
    await slack.command("role add <@U0ALICE|alice> data scientist", channel="C0FRAUD")
    await slack.command("role add <@U0ALICE|alice> analyst", user="U0ALICE", channel="C0CHURN")
    await slack.command("stakeholder add <@U0BOB|bob>", user="U0ALICE", channel="C0CHURN")
    churn = await project_in(runtime, "C0CHURN")
    async with runtime.db.transaction() as session:
        session.add(ChecklistTick(project_id=churn.id, iteration=1, task_key="bu.objectives", ticked_by="U0ALICE",
                                  ticked_at=clock.now()))
        session.add(ChecklistTick(project_id=churn.id, iteration=0, task_key="bu.plan", ticked_by="U0ALICE",
                                  ticked_at=clock.now()))  # another iteration's tick does not count
    clock.advance(days=4)

    assert (await slack.event(opened("U0ALICE"))).status == 200
    await slack.event(opened("U0BOB"))
    await drain()
    assert {c.args["user_id"] for c in standin.calls_to("views.publish")} == {"U0ALICE", "U0BOB"}

    alice = texts(standin.home_view("U0ALICE"))
    assert alice[2] == "*Your projects (2)*"
    assert alice[3] == ("*Churn Radar* in <#C0CHURN>\nBusiness understanding (phase 1 of 6) · day 5 · iteration 1\n"
                        "You: Product owner, Analyst")
    assert alice[4] == ("*Waiting on you:* :warning: Business understanding lacks Sponsor: `/crisp role add @user ROLE`"
                        " · :ballot_box_with_check: 3 exit-checklist items open: Assess situation, "
                        "Determine data-mining (ML) goals, Produce project plan (`/crisp phase` ticks them)")
    assert alice[5].startswith("*Fraud Watch* in <#C0FRAUD>\n") and alice[5].endswith("\nYou: Data scientist")
    # Not a lead there: the team's gaps are not hers to fill; the checklist is.
    assert alice[6] == ("*Waiting on you:* :ballot_box_with_check: 4 exit-checklist items open: Determine business "
                        "objectives, Assess situation, Determine data-mining (ML) goals, Produce project plan "
                        "(`/crisp phase` ticks them)")
    assert alice[7] == "*Other active projects (1)*"
    assert alice[8].startswith("*Other Thing* in <#C0OTHER> · Business understanding")

    bob = texts(standin.home_view("U0BOB"))
    assert bob[2:5] == ["*Your projects (1)*",
                        "*Churn Radar* in <#C0CHURN>\nBusiness understanding (phase 1 of 6) · day 5 · iteration 1\n"
                        "You: stakeholder", "Nothing waits on you."]
    assert bob[5] == "*Other active projects (2)*"


async def test_home_stays_within_a_hundred_blocks(runtime, slack, standin, drain, clock):
    async with runtime.db.transaction() as session:
        for n in range(150):
            session.add(Project(team_id="T0CRISP", channel_id=f"C0P{n:03d}", name=f"Project {n:03d}",
                                slug=f"project-{n:03d}", phase="modeling", phase_since=clock.now() - timedelta(days=n),
                                created_by="U0ADMIN", created_at=clock.now()))
    for n in range(60):
        await slack.command("role add <@U0BOB|bob> ds", channel=f"C0P{n:03d}")
    await slack.event(opened("U0BOB"))
    await drain()
    view = standin.home_view("U0BOB")
    assert len(view["blocks"]) <= 100
    shown = texts(view)
    assert "*Your projects (60)*" in shown and "*Other active projects (90)*" in shown
    assert any(t.startswith("…and ") for t in shown)
