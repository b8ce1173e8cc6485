"""Portfolio digests: one DM to a person across every project they are a stakeholder or sponsor of. The
schedule is the person's own (set from any channel), swept with the project schedules: a run row per
(schedule, slot) is the claim, so each slot is sent once across processes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crisp_dm import Role
from bot.docs.milestones import local_date
from bot.errors import UserError
from bot.permissions import Caller
from bot.schedules.service import Outcome
from bot.schedules.slots import Spec, next_slot
from bot.services import Services
from bot.views import portfolio as views
from storage.queries import alerts, audit
from storage.queries import digests as rows
from storage.queries import lifecycle as lifecycle_rows
from storage.queries import schedules as schedule_rows
from storage.queries.targets import targets_of
from storage.tables import CheckinAnswer, PortfolioRun, PortfolioSchedule, Project

NOBODY = ("You are not a stakeholder or sponsor of any active project, so a portfolio digest would be empty.")
NOBODY_HINT = "A project lead adds you with `stakeholder add @you` in the project's channel."


@dataclass(frozen=True)
class ProjectState:
    project: Project
    target: date | None
    answers: list[CheckinAnswer]   # the latest check-in's
    open_alerts: int
    moves_since: int               # phase moves since the previous portfolio digest
    counts: rows.AttentionCounts = rows.AttentionCounts(0, 0, 0)  # overdue milestones and docs, new feedback


@dataclass(frozen=True)
class Portfolio:
    user_id: str
    now: datetime
    since: datetime | None         # the previous portfolio digest
    states: list[ProjectState]


async def _state(session: AsyncSession, project: Project, since: datetime | None,
                 counts: rows.AttentionCounts) -> ProjectState:
    checkin = await schedule_rows.latest_run(session, project.id, "checkin", closed=True) or \
        await schedule_rows.latest_run(session, project.id, "checkin")
    answers = await schedule_rows.answers(session, checkin.id) if checkin is not None else []
    _, open_total = await alerts.open_groups(session, project_id=project.id, limit=1)
    moves = [t for t in await lifecycle_rows.transitions(session, project.id)
             if t.from_phase is not None and (since is None or t.created_at > since)]
    target = (await targets_of(session, project.id)).get(project.phase)
    return ProjectState(project, target, answers, open_total, len(moves), counts)


async def gather(session: AsyncSession, run: PortfolioRun, now: datetime, *,
                 tz: str = "UTC") -> tuple[Portfolio, int]:
    """The portfolio (the first PROJECTS_SHOWN projects read in full) and how many projects it covers. `tz`:
    the zone whose date decides which milestones are overdue."""
    previous = await rows.previous_portfolio_run(session, run.team_id, run.user_id, run.id)
    since = previous.opened_at if previous is not None else None
    projects = await rows.portfolio_projects(session, run.team_id, run.user_id, sponsor_role=Role.SPONSOR.value)
    shown = projects[:views.PROJECTS_SHOWN]
    counts = await rows.attention_counts(session, [project.id for project in shown], today=local_date(now, tz),
                                         since=since)
    states = [await _state(session, project, since, counts[project.id]) for project in shown]
    run.projects = [project.id for project in projects]
    return Portfolio(run.user_id, now, since, states), len(projects)


async def send(services: Services, session: AsyncSession, run: PortfolioRun, now: datetime) -> int:
    """Queue the portfolio DM; returns how many projects it covers."""
    portfolio, total = await gather(session, run, now, tz=services.settings.default_timezone)
    await session.flush()
    body = views.portfolio(portfolio, total, services.settings.slash_command)
    await services.outbox.post(session, run.team_id, run.user_id, body, key=f"portfolio:{run.id}")
    await audit.record(session, team_id=run.team_id, project_id=None, actor_id=run.user_id if run.schedule_id is None
                       else "crisp", action="portfolio.sent", now=now, run=run.id, projects=total)
    return total


async def _require_projects(session: AsyncSession, caller: Caller) -> None:
    if not await rows.portfolio_projects(session, caller.team_id, caller.user_id, sponsor_role=Role.SPONSOR.value):
        raise UserError(NOBODY, hint=NOBODY_HINT)


async def send_now(services: Services, caller: Caller, request_key: str | None) -> int:
    now = services.clock.now()
    key = f"cmd:{request_key}" if request_key else None
    try:
        async with services.db.transaction() as session:
            if key is not None and (earlier := await rows.portfolio_run_by_request(
                    session, caller.team_id, caller.user_id, key)) is not None:
                return len(earlier.projects)  # Slack's retry of the same request
            await _require_projects(session, caller)
            run = PortfolioRun(team_id=caller.team_id, user_id=caller.user_id, slot=now, request_key=key,
                               opened_at=now)
            session.add(run)
            await session.flush()
            return await send(services, session, run, now)
    except IntegrityError:
        raise UserError("That portfolio digest was sent a moment ago; nothing more was sent.") from None


async def set_schedule(services: Services, caller: Caller, spec: Spec) -> Outcome:
    now = services.clock.now()
    try:
        async with services.db.transaction() as session:
            await _require_projects(session, caller)
            row = await rows.portfolio_schedule_of(session, caller.team_id, caller.user_id)
            if row is None:
                row = PortfolioSchedule(team_id=caller.team_id, user_id=caller.user_id, days=spec.days_text,
                                        at_time=spec.at_text, tz=spec.tz, enabled=True, since=now, updated_at=now)
                session.add(row)
            else:
                row.days, row.at_time, row.tz = spec.days_text, spec.at_text, spec.tz
                row.enabled, row.since, row.updated_at = True, now, now
            await session.flush()
            await audit.record(session, team_id=caller.team_id, project_id=None, actor_id=caller.user_id,
                               action="portfolio.scheduled", now=now, schedule=row.id, days=spec.days_text,
                               at=spec.at_text, tz=spec.tz)
    except IntegrityError:
        raise UserError("You set this schedule twice at the same moment; nothing changed. Please try again.") \
            from None
    return Outcome(spec, next_slot(spec, now))


async def turn_off(services: Services, caller: Caller) -> bool:
    """False when it was not on."""
    now = services.clock.now()
    async with services.db.transaction() as session:
        row = await rows.portfolio_schedule_of(session, caller.team_id, caller.user_id)
        if row is None or not row.enabled:
            return False
        row.enabled, row.updated_at = False, now
        await audit.record(session, team_id=caller.team_id, project_id=None, actor_id=caller.user_id,
                           action="portfolio.unscheduled", now=now, schedule=row.id)
    return True
