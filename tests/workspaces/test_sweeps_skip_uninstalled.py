"""Every scheduler sweep leaves a workspace that uninstalled Crisp alone: it queues nothing for it and moves
none of its claims (a reminder's count, an announcement's time, a lookup's date), so a reinstall picks the
work up where it stopped. One case per sweep: the work falls due while A is uninstalled, the sweep runs,
nothing changed; A reinstalls, the same sweep runs, the claim moves. Signed HTTP into the running app
serving two workspaces, the stand-in, both databases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.alerts.renotify import renotify_sweep
from bot.crisp_dm import Phase
from bot.digests.figures import figure_sweep
from bot.lifecycle.stale import stale_sweep
from bot.docs.sweep import docs_sweep
from bot.people.directory import refresh_sweep
from bot.schedules.sweep import schedule_sweep
from bot.workspaces import service as workspaces
from storage.tables import (AlertGroup, DigestFigure, DocRequest, Milestone, OutboxMessage, PortfolioRun, Project,
                            ScheduleRun, SlackUser, StaleNudge)
from tests.workspaces.conftest import CHANNEL_A, TEAM_A, TOKEN_A

ALICE = "U0ALICE"


async def one(runtime, statement) -> Any:
    async with runtime.db.read() as session:
        return (await session.execute(statement.execution_options(populate_existing=True))).scalars().first()


async def project_a(runtime) -> Project:
    return await one(runtime, select(Project).where(Project.team_id == TEAM_A))


# -- each sweep: what makes work for A, and the claim its sweep moves ---------------------------------------

async def checkin_open(two, runtime, clock) -> None:
    await two.a.command(f"role add <@{ALICE}|alice> ml-engineer", channel=CHANNEL_A)
    assert (await two.a.command("checkin now", channel=CHANNEL_A)).status == 200


async def checkin_claims(runtime) -> tuple:
    run = await one(runtime, select(ScheduleRun).where(ScheduleRun.team_id == TEAM_A))
    return run.reminded_at, run.closed_at


async def portfolio_set(two, runtime, clock) -> None:
    await two.a.command(f"stakeholder add <@{ALICE}|alice>", channel=CHANNEL_A)
    answer = await two.a.command("digest portfolio every daily at 09:00", user=ALICE, channel=CHANNEL_A)
    assert "every" in answer.json["text"], answer.json


async def portfolio_claims(runtime) -> int:
    return await one(runtime, select(func.count()).select_from(PortfolioRun).where(PortfolioRun.team_id == TEAM_A))


async def figure_queued(two, runtime, clock) -> None:
    await two.a.command(f"stakeholder add <@{ALICE}|alice>", channel=CHANNEL_A)
    assert "Digest sent" in (await two.a.command("digest now", channel=CHANNEL_A)).json["text"]


async def figure_claims(runtime):
    return (await one(runtime, select(DigestFigure).where(DigestFigure.team_id == TEAM_A))).uploaded_at


async def docs_pending(two, runtime, clock) -> None:
    """A milestone due tomorrow, and a documentation request (Modeling's milestone done) to be reminded of."""
    await two.a.command(f"role add <@{ALICE}|alice> data-scientist", channel=CHANNEL_A)
    project_id = (await project_a(runtime)).id
    async with runtime.db.transaction() as session:
        (await session.get(Project, project_id)).phase = Phase.MODELING.value
    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
    await two.a.command(f"milestone add Error analysis due {tomorrow}", channel=CHANNEL_A)
    await two.a.command("milestone add Baseline", channel=CHANNEL_A)
    assert "requested" in str((await two.a.command("milestone done Baseline", channel=CHANNEL_A)).json)


async def docs_claims(runtime) -> tuple:
    milestone = await one(runtime, select(Milestone).where(Milestone.team_id == TEAM_A, Milestone.name == "Error analysis"))
    request = await one(runtime, select(DocRequest).where(DocRequest.team_id == TEAM_A))
    return milestone.overdue_announced_at, request.reminders_sent


async def people_to_look_up(two, runtime, clock) -> None:
    await two.a.command(f"role add <@{ALICE}|alice> ml-engineer", channel=CHANNEL_A)


async def people_claims(runtime):
    return await one(runtime, select(SlackUser.fetched_at).where(SlackUser.team_id == TEAM_A,
                                                                 SlackUser.user_id == ALICE))


async def alert_unacknowledged(two, runtime, clock) -> None:
    """A critical group already posted in A's channel, nobody acknowledging it."""
    now = clock.now()
    async with runtime.db.transaction() as session:
        session.add(AlertGroup(team_id=TEAM_A, source="generic", group_key="a" * 64, channel_id=CHANNEL_A,
                               severity="critical", title="Scorer latency", message_key="alert:a-posted",
                               first_seen_at=now, last_seen_at=now, started_at=now))


async def alert_claims(runtime) -> list[str]:
    async with runtime.db.read() as session:
        keys = await session.execute(select(OutboxMessage.message_key).where(OutboxMessage.team_id == TEAM_A))
    return sorted(key for key in keys.scalars() if key and (":renotify:" in key or ":escalate:" in key))


async def quiet_project(two, runtime, clock) -> None:
    """A's project exists; nothing happens in it for longer than STALE_PHASE_DAYS."""


async def stale_claims(runtime) -> int:
    return await one(runtime, select(func.count()).select_from(StaleNudge).where(StaleNudge.team_id == TEAM_A))


@dataclass(frozen=True)
class Case:
    make_work: Callable[..., Awaitable[None]]
    claims: Callable[[Any], Awaitable[Any]]
    sweep: Callable[[Any], Awaitable[str]]
    due_after: timedelta
    idle: str  # how the sweep's summary starts when it found nothing to do (A's work is not even read)


CASES = {
    "checkin reminder and close": Case(checkin_open, checkin_claims, schedule_sweep, timedelta(hours=5),
                                       "schedules=0 ran=0 skipped=0 asked_local=0 reminded=0 closed=0"),
    "portfolio digest": Case(portfolio_set, portfolio_claims, schedule_sweep, timedelta(days=1), "schedules=0 ran=0"),
    "digest figure": Case(figure_queued, figure_claims, figure_sweep, timedelta(minutes=1), "pending=0"),
    "overdue milestone and doc reminder": Case(docs_pending, docs_claims, docs_sweep, timedelta(days=3),
                                               "milestones_overdue=0 reminders=0"),
    # Not read at all: otherwise an uninstalled workspace's people fill every refresh batch for ever.
    "people refresh": Case(people_to_look_up, people_claims, refresh_sweep, timedelta(days=2), "due=0"),
    "alert renotify": Case(alert_unacknowledged, alert_claims, renotify_sweep, timedelta(hours=2), "groups=0"),
    "stale-phase nudge": Case(quiet_project, stale_claims, stale_sweep, timedelta(days=15), "projects=0 nudged=0"),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_a_sweep_waits_while_the_workspace_is_uninstalled_and_resumes_after_a_reinstall(
        name, two, runtime, standin, clock):
    case = CASES[name]
    assert (await two.a.command("project create Churn Radar", channel=CHANNEL_A)).status == 200
    await case.make_work(two, runtime, clock)
    claimed = await case.claims(runtime)
    queued = await one(runtime, select(func.count()).select_from(OutboxMessage).where(OutboxMessage.team_id == TEAM_A))
    assert (await two.a.event({"type": "app_uninstalled"})).status == 200
    clock.advance(seconds=case.due_after.total_seconds())
    calls = len(standin.calls)

    assert (await case.sweep(runtime.services)).startswith(case.idle)

    assert await case.claims(runtime) == claimed, f"{name}: the sweep moved a claim of an uninstalled workspace"
    assert await one(runtime, select(func.count()).select_from(OutboxMessage)
                     .where(OutboxMessage.team_id == TEAM_A)) == queued
    assert standin.calls[calls:] == []  # not even a lookup

    two.tokens.tokens[TEAM_A] = TOKEN_A
    assert await workspaces.installed(runtime.services, TEAM_A) is True
    await case.sweep(runtime.services)
    assert await case.claims(runtime) != claimed, f"{name}: the sweep did not resume after the reinstall"
