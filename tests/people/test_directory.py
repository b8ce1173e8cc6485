"""The people directory: users.info looked up off the ack path, cached, refreshed by a job."""

from __future__ import annotations

from datetime import timedelta

from bot.people import directory
from storage.tables import Project, RoleAssignment, Stakeholder

TEAM = "T0CRISP"


async def _team_id(runtime) -> str:
    return runtime.services.bot_team_id() or TEAM


async def test_lookup_asks_slack_once_then_answers_from_the_table(runtime, standin, clock):
    standin.add_user("U0TOKYO", "kenji", real_name="Kenji Sato", tz="Asia/Tokyo")
    team = await _team_id(runtime)
    people = await directory.lookup(runtime.services, team, ["U0TOKYO", "U0TOKYO"])
    assert list(people) == ["U0TOKYO"]
    assert people["U0TOKYO"].name == "kenji" and people["U0TOKYO"].tz == "Asia/Tokyo"
    assert people["U0TOKYO"].zone().key == "Asia/Tokyo"
    assert len(standin.calls_to("users.info")) == 1

    again = await directory.lookup(runtime.services, team, ["U0TOKYO"])
    assert again == people
    assert len(standin.calls_to("users.info")) == 1  # fresh: no second call
    async with runtime.db.read() as session:
        assert (await directory.known(session, team, ["U0TOKYO", "U0NOBODY"])) == {
            "U0TOKYO": people["U0TOKYO"], "U0NOBODY": directory.unknown("U0NOBODY")}

    clock.advance(hours=13)
    standin.add_user("U0TOKYO", "kenji-s", real_name="Kenji Sato", tz="Asia/Tokyo")
    renamed = await directory.lookup(runtime.services, team, ["U0TOKYO"])
    assert renamed["U0TOKYO"].name == "kenji-s"
    assert len(standin.calls_to("users.info")) == 2


async def test_a_failed_lookup_keeps_what_was_known(runtime, standin, clock):
    standin.add_user("U0NY", "ann", tz="America/New_York")
    team = await _team_id(runtime)
    first = await directory.lookup(runtime.services, team, ["U0NY"])
    clock.advance(days=1)
    standin.fail("users.info", status=500, times=5)
    later = await directory.lookup(runtime.services, team, ["U0NY", "U0GONE"])
    assert later["U0NY"] == first["U0NY"]
    assert later["U0GONE"].name == "U0GONE" and later["U0GONE"].tz is None


async def test_vacation_status_counts_until_it_expires(runtime, standin, clock):
    standin.add_user("U0AWAY", "zoe")
    standin.set_status("U0AWAY", emoji=":palm_tree:", text="",
                       expiration=int((clock.now() + timedelta(days=3)).timestamp()))
    standin.add_user("U0TEXT", "yan")
    standin.set_status("U0TEXT", emoji=":sunny:", text="Vacationing in Lisbon")
    team = await _team_id(runtime)
    people = await directory.lookup(runtime.services, team, ["U0AWAY", "U0TEXT", "U0BOB"])
    now = clock.now()
    assert people["U0AWAY"].away(now) and people["U0TEXT"].away(now)
    assert not people["U0BOB"].away(now)
    assert not people["U0AWAY"].away(now + timedelta(days=4))


async def test_refresh_job_looks_up_role_holders_and_stakeholders_only(runtime, standin, clock):
    standin.add_user("U0DS", "dana", tz="Europe/Berlin")
    standin.add_user("U0SPONSOR", "sam", tz="America/New_York")
    standin.add_user("U0OTHER", "otto")
    team = await _team_id(runtime)
    now = clock.now()
    async with runtime.db.transaction() as session:
        project = Project(team_id=team, channel_id="C0PROJ", name="Churn", slug="churn", phase="modeling",
                          phase_since=now, created_by="U0DS", created_at=now)
        session.add(project)
        await session.flush()
        session.add(RoleAssignment(team_id=team, project_id=project.id, user_id="U0DS", role="data-scientist",
                                   assigned_by="U0DS", assigned_at=now))
        session.add(Stakeholder(team_id=team, project_id=project.id, user_id="U0SPONSOR", added_by="U0DS",
                                added_at=now))
    assert await directory.refresh_sweep(runtime.services) == "due=2"
    assert sorted(call.args["user"] for call in standin.calls_to("users.info")) == ["U0DS", "U0SPONSOR"]
    assert await directory.refresh_sweep(runtime.services) == "due=0"
    async with runtime.db.read() as session:
        people = await directory.known(session, team, ["U0DS", "U0SPONSOR"])
    assert people["U0DS"].tz == "Europe/Berlin" and people["U0SPONSOR"].tz == "America/New_York"
