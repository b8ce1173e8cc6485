"""App Home shows what is pending now: the open check-in the person was asked in (Answer, then answered —
Edit until it closes), an early answer ("You answered early — Edit"), and to a project's leads the
documentation requests that asked nobody (with Submit). Signed HTTP, the stand-in, a real database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from bot.onboarding import home as home_state
from bot.views import home
from bot.views.ids import ActionId, CallbackId
from storage.tables import DocRecord, DocRequest, Project, ScheduleRun
from tests.conftest import count_rows
from tests.docs.helpers import doc_values, project_in_modeling
from tests.schedules.helpers import ALICE, BOB, CHANNEL, dms_to, project_with_team, sweep
from tests.schedules.test_checkin_flow import button_of, form_values
from tests.team.test_home import opened, texts

OWNER = "U0OWNER"


async def home_of(slack, standin, drain, user: str) -> dict:
    await slack.event(opened(user))
    await drain()
    return standin.home_view(user)


def buttons(home: dict, action_id: str) -> list[dict]:
    found = []
    for block in home["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else [block.get("accessory") or {}]
        found += [e for e in elements if e.get("action_id") == action_id]
    return found


async def press(slack, standin, user: str, element: dict, trigger: str) -> dict | None:
    standin.register_trigger(trigger, user)
    before = len(standin.calls_to("views.open"))
    answer = await slack.press(element["action_id"], user=user, channel=standin.dm_channel_for(user),
                               value=element["value"], trigger_id=trigger)
    assert answer.status == 200
    opened_now = standin.calls_to("views.open")[before:]
    return opened_now[-1].response["view"] if opened_now else None


async def test_an_open_check_in_shows_answer_then_answered_edit_until_it_closes(runtime, slack, standin, clock,
                                                                                drain):
    await project_with_team(slack, clock)
    standin.add_user("U0EVE", "eve")
    assert buttons(await home_of(slack, standin, drain, ALICE), ActionId.CHECKIN_OPEN) == []
    await slack.command("checkin now", channel=CHANNEL)
    await drain()
    [dm] = dms_to(standin, ALICE)

    home = await home_of(slack, standin, drain, ALICE)
    [answer] = buttons(home, ActionId.CHECKIN_OPEN)
    # The same button as the DM's: same action, same value.
    assert (answer["value"], answer["text"]["text"]) == (button_of(dm)["value"], "Answer")
    shown = " ".join(texts(home))
    assert ":speech_balloon: Check-in open until <!date^" in shown and "not answered yet" in shown
    assert "*Waiting on you:* :speech_balloon: your check-in answer" in shown
    # Someone not on the team sees no check-in.
    assert buttons(await home_of(slack, standin, drain, "U0EVE"), ActionId.CHECKIN_OPEN) == []

    form = await press(slack, standin, ALICE, answer, "t-home-1")
    assert form["callback_id"] == CallbackId.CHECKIN_ANSWER
    assert (await slack.submit(form, form_values("Features audited", "", "on-track"), user=ALICE)).json == {}
    await drain()
    home = await home_of(slack, standin, drain, ALICE)
    [edit] = buttons(home, ActionId.CHECKIN_OPEN)
    assert (edit["value"], edit["text"]["text"]) == (answer["value"], "Edit")
    shown = " ".join(texts(home))
    assert ":white_check_mark: Check-in: answered — Edit until <!date^" in shown and "your check-in" not in shown
    form = await press(slack, standin, ALICE, edit, "t-home-2")
    assert "Features audited" in json.dumps(form)  # prefilled, as from the DM
    # Bob, asked and silent, still sees Answer.
    assert buttons(await home_of(slack, standin, drain, BOB), ActionId.CHECKIN_OPEN)[0]["text"]["text"] == "Answer"

    clock.advance(hours=runtime.services.settings.checkin_window_hours + 1)
    await sweep(runtime, drain)  # the window closes: the summary, and nothing left on Home
    home = await home_of(slack, standin, drain, ALICE)
    assert buttons(home, ActionId.CHECKIN_OPEN) == [] and "Check-in" not in " ".join(texts(home))


async def test_after_answering_early_home_says_so(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)
    await slack.command("checkin every weekdays at 09:00 UTC", channel=CHANNEL)
    home = await home_of(slack, standin, drain, ALICE)
    [early] = buttons(home, ActionId.CHECKIN_EARLY)
    assert early["text"]["text"] == "Answer early" and "answered early" not in " ".join(texts(home))
    form = await press(slack, standin, ALICE, early, "t-early-1")
    assert (await slack.submit(form, form_values("Off Monday", "", "at-risk"), user=ALICE)).json == {}
    await drain()
    home = await home_of(slack, standin, drain, ALICE)
    [edit] = buttons(home, ActionId.CHECKIN_EARLY)
    assert (edit["text"]["text"], edit["value"]) == ("Edit", early["value"])
    assert ":white_check_mark: You answered early — Edit" in " ".join(texts(home))
    assert "answered early" not in " ".join(texts(await home_of(slack, standin, drain, BOB)))

    clock.advance(hours=1)  # 09:00: the run opens with her early answer in it
    await sweep(runtime, drain)
    home = await home_of(slack, standin, drain, ALICE)
    [current] = buttons(home, ActionId.CHECKIN_OPEN)
    assert current["text"]["text"] == "Edit" and "Check-in: answered — Edit until" in " ".join(texts(home))
    # The next slot's early button stays, beside it, for tomorrow.
    [tomorrow] = buttons(home, ActionId.CHECKIN_EARLY)
    assert tomorrow["text"]["text"] == "Answer early" and tomorrow["value"] != early["value"]


async def test_documentation_that_asked_nobody_shows_on_the_leads_home(runtime, slack, standin, clock, drain):
    standin.add_user(OWNER, "owner")
    await project_in_modeling(runtime, slack, clock, scientist=None, owner=OWNER)
    await slack.command(f"role remove <@{OWNER}|owner> product-owner", channel=CHANNEL)
    await slack.command("milestone add Baseline", channel=CHANNEL, user=BOB)
    await slack.command("milestone done Baseline", channel=CHANNEL, user=BOB)  # asks nobody
    # Bob is on the team, not a lead: nothing about it on his Home.
    bob = await home_of(slack, standin, drain, BOB)
    assert buttons(bob, ActionId.DOCS_OPEN) == [] and "nobody was asked" not in " ".join(texts(bob))

    await slack.command(f"role add <@{OWNER}|owner> product-owner", channel=CHANNEL)
    home = await home_of(slack, standin, drain, OWNER)
    assert (":memo: Documentation nobody was asked for: Modeling; anyone on the team can submit it (`/crisp docs`)"
            in " ".join(texts(home)))
    [submit] = buttons(home, ActionId.DOCS_OPEN)
    assert submit["text"]["text"] == "Submit Modeling"
    form = await press(slack, standin, OWNER, submit, "t-docs-1")
    assert form is not None and form["callback_id"] == CallbackId.DOCS_RECORD
    answer = await slack.submit(form, doc_values({"algorithm": "Logistic regression", "metrics": "F1 0.7"}),
                                user=OWNER)
    assert answer.json == {} and await count_rows(runtime, DocRecord) == 1
    await drain()
    home = await home_of(slack, standin, drain, OWNER)
    assert buttons(home, ActionId.DOCS_OPEN) == [] and "nobody was asked" not in " ".join(texts(home))


async def test_home_reads_in_the_same_few_statements_however_many_projects(runtime, slack, standin, clock, drain):
    await project_with_team(slack, clock)

    async def statements() -> int:
        seen: list[str] = []
        async with runtime.db.read() as session:
            listener = lambda state: seen.append(str(state.statement))  # noqa: E731
            event.listen(session.sync_session, "do_orm_execute", listener)
            mine, _ = await home_state.gather(runtime.services, session, "T0CRISP", ALICE, clock.now())
            event.remove(session.sync_session, "do_orm_execute", listener)
        assert all(entry.open_checkin is not None for entry in mine)
        return len(seen)

    await slack.command("checkin now", channel=CHANNEL)
    one = await statements()
    for n in range(6):
        channel = f"C0MORE{n}"
        await slack.command(f"project create More {n}", channel=channel)
        await slack.command(f"role add <@{ALICE}|alice> analyst", channel=channel)
        await slack.command("checkin every weekdays at 09:00 UTC", channel=channel)
        await slack.command("checkin now", channel=channel)
        await slack.command("milestone add X", channel=channel)
        await slack.command("milestone done X", channel=channel)
    many = await statements()
    print(f"\nApp Home: {one} statements for one project, {many} for seven")
    assert one == many <= 9


def test_busy_projects_keep_home_within_a_hundred_blocks():
    """Every project with an open check-in, an early one and records nobody was asked for takes three blocks:
    fewer projects are shown, and the rest are counted."""
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    mine = []
    for n in range(40):
        project = Project(id=n + 1, team_id="T0CRISP", channel_id=f"C{n}", name=f"P{n}", slug=f"p{n}", phase="modeling",
                          phase_since=now, created_by="U0ADMIN", created_at=now)
        run = ScheduleRun(id=n + 1, team_id="T0CRISP", project_id=n + 1, kind="checkin", slot=now, started_by="crisp",
                          asked=[ALICE], opened_at=now, closes_at=now + timedelta(hours=4))
        request = DocRequest(id=n + 1, team_id="T0CRISP", project_id=n + 1, phase="modeling", trigger="milestone",
                             asked=[], requested_by=BOB, requested_at=now)
        mine.append(home.MyProject(project, ("product-owner",), False, next_checkin=({"s": n, "t": 1}, now),
                                   open_checkin=home.OpenCheckin(run, False, run.closes_at),
                                   docs_unassigned=(request,)))
    view = home.home_view(mine, [m.project for m in mine], now, "/crisp")
    assert len(view["blocks"]) <= 100
    assert view["blocks"][-1]["elements"][0]["text"].startswith("`/crisp help`")
    more = [b for b in view["blocks"] if b["type"] == "context" and "more of yours" in b["elements"][0]["text"]]
    assert len(more) == 1
