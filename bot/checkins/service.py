"""A check-in run: opened (each role holder asked by DM, in the transaction that made the run), reminded
once halfway through its window, closed with a summary in the project channel. Every message has a key
per run (and person), so however many processes sweep, each is queued once; the outbox delivers them
when Slack is reachable, so an outage delays them and never drops or doubles one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins import away as leave
from bot.checkins.answers import answer_values
from bot.checkins.early import take_early
from bot.checkins.questions import Question, questions_for, questions_in
from bot.errors import UserError
from bot.permissions import Action, Caller
from bot.services import Services
from bot.views import checkins as views
from storage.queries import audit, team
from storage.queries import schedules as rows
from storage.tables import CheckinAnswer, Project, ScheduleRun

log = logging.getLogger("crisp.checkins")

BATCH = 100


def window(services: Services) -> timedelta:
    """CHECKIN_WINDOW_HOURS: how long answers are taken; the reminder goes out halfway."""
    return timedelta(hours=services.settings.checkin_window_hours)


def ask_key(run_id: int, user_id: str) -> str:
    return f"checkin:{run_id}:ask:{user_id}"


async def members(services: Services, session: AsyncSession, project_id: int) -> list[str]:
    """Everyone holding a role now, once each, in the order they joined."""
    bot_id = await services.bot_user_for((await session.get(Project, project_id)).team_id, session=session)
    return _members(await team.current_holders(session, project_id), bot_id)


def _members(holders: list[tuple[str, str]], bot_id: str | None) -> list[str]:
    return [u for u in dict.fromkeys(u for _, u in holders) if u not in ("USLACKBOT", bot_id)]


async def open_run(services: Services, session: AsyncSession, project: Project, run: ScheduleRun,
                   now: datetime, *, tz: str | None = None) -> int:
    """Ask every member who is not away by DM; the run's window starts now. Returns how many were asked.
    `tz`: the schedule's zone, in which an away member's last day is read (else DEFAULT_TIMEZONE)."""
    return (await open_runs(services, session, [(project, run, tz)], now))[0]


async def open_runs(services: Services, session: AsyncSession,
                    opening: Sequence[tuple[Project, ScheduleRun, str | None]], now: datetime) -> list[int]:
    """`open_run` for each (project, run, schedule zone) of a sweep's batch, each with the same outcome as
    alone, reading what they need at once (holders, answers given early, leave, the people directory) and
    writing their windows, early answers and audit rows in one flush. Returns how many each asked."""
    holders = await team.holders_in(session, list({project.id for project, _, _ in opening}))
    bots = {team_id: await services.bot_user_for(team_id, session=session)
            for team_id in {project.team_id for project, _, _ in opening}}
    teams = [_members(holders[project.id], bots[project.team_id]) for project, _, _ in opening]
    # Answered from App Home: counted, not asked again.
    early = await take_early(session, [(run, team_now) for (_, run, _), team_now in zip(opening, teams)])
    away = await leave.who_is_away_in(session, [
        (project, [u for u in team_now if u not in answered], leave.zone_of(services, tz))
        for (project, _, tz), team_now, answered in zip(opening, teams, early)], now)
    length = window(services)
    asked = []
    for (_, run, _), team_now, run_away in zip(opening, teams, away):
        asked.append([user_id for user_id in team_now if user_id not in run_away])
        run.asked, run.away, run.remind_at, run.closes_at = asked[-1], run_away or None, now + length / 2, now + length
    await session.flush()
    for (project, run, _), run_asked, answered in zip(opening, asked, early):
        for user_id in run_asked:
            if user_id in answered:
                continue
            await services.outbox.post(session, project.team_id, user_id, views.prompt(project, run),
                                       key=ask_key(run.id, user_id))
    await audit.record_many(session, [
        {"team_id": project.team_id, "project_id": project.id, "actor_id": run.started_by,
         "action": "checkin.opened", "now": now, "run": run.id, "asked": len(run_asked)}
        for (project, run, _), run_asked in zip(opening, asked)])
    return [len(run_asked) for run_asked in asked]


async def start_now(services: Services, caller: Caller, project: Project, request_key: str | None) -> ScheduleRun:
    """`checkin now`: a window opens at once (unless one is open already)."""
    caller.require(Action.MANAGE_SCHEDULES)
    now = services.clock.now()
    key = f"cmd:{request_key}" if request_key else None
    try:
        async with services.db.transaction() as session:
            if key is not None and (earlier := await rows.run_by_request(session, project.id, key)) is not None:
                return earlier  # Slack's retry of the same request
            current = await rows.open_checkin(session, project.id)
            if current is not None:
                raise UserError(views.already_open(current))
            run = await rows.add_run(session, ScheduleRun(
                team_id=project.team_id, project_id=project.id, kind="checkin", slot=now, request_key=key,
                started_by=caller.user_id, opened_at=now))
            await open_run(services, session, project, run, now)
            return run
    except IntegrityError:
        raise UserError("That check-in was started a moment ago; nothing new was started.") from None


async def remind_due(services: Services) -> int:
    """One reminder per run to whoever has not answered, halfway through the window (the runs due in a
    sweep read and posted together)."""
    now = services.clock.now()
    reminded = 0
    async with services.db.transaction() as session, services.outbox.batched(session):
        claimed = await rows.claim_reminders_due(session, now=now, limit=BATCH)
        await rows.mark_all(session, [run.id for run in claimed], reminded_at=now)
        # Found only after the window closed (the bot was down): the summary comes instead.
        due = [run for run in claimed if run.closes_at is None or run.closes_at > now]
        projects = await rows.projects_by_id(session, list({run.project_id for run in due}))
        due = [run for run in due if run.project_id in projects]
        answered = await rows.answers_in(session, [run.id for run in due])
        silent = [[u for u in run.asked if u not in {a.user_id for a in answered[run.id]}] for run in due]
        away = await leave.who_is_away_in(session, [(projects[run.project_id], run_silent, leave.zone_of(services))
                                                    for run, run_silent in zip(due, silent)], now)
        for run, run_silent, run_away in zip(due, silent, away):
            project = projects[run.project_id]
            for user_id in run_silent:
                if user_id in run_away:
                    continue  # went on leave since the run opened
                await services.outbox.post(session, run.team_id, user_id, views.reminder(project, run),
                                           key=f"checkin:{run.id}:remind:{user_id}")
                reminded += 1
    return reminded


async def close_due(services: Services) -> int:
    """The summary of each run whose window has closed, in its project's channel (the runs due in a sweep
    read and posted together)."""
    now = services.clock.now()
    async with services.db.transaction() as session, services.outbox.batched(session):
        claimed = await rows.claim_closings_due(session, now=now, limit=BATCH)
        await rows.mark_all(session, [run.id for run in claimed], closed_at=now)
        for run in claimed:
            run.closed_at = now
        projects = await rows.projects_by_id(session, list({run.project_id for run in claimed}))
        due = [run for run in claimed
               if (project := projects.get(run.project_id)) is not None and project.archived_at is None]
        answers = await rows.answers_in(session, [run.id for run in due])
        silent = [[u for u in run.asked if u not in {a.user_id for a in answers[run.id]}] for run in due]
        gone = await leave.who_is_away_in(session, [(projects[run.project_id], run_silent, leave.zone_of(services))
                                                    for run, run_silent in zip(due, silent)], now)
        questions = await questions_in(session, list({run.project_id for run in due}))
        for run, run_gone in zip(due, gone):
            project = projects[run.project_id]
            # Away from the start, or gone on leave since: listed as away, not as silent.
            away = {**(run.away or {}), **run_gone}
            await services.outbox.post(session, run.team_id, project.channel_id,
                                       views.summary(project, run, answers[run.id], away=away,
                                                     questions=questions[project.id]),
                                       key=f"checkin:{run.id}:summary")
        await audit.record_many(session, [
            {"team_id": run.team_id, "project_id": run.project_id, "actor_id": "crisp", "action": "checkin.closed",
             "now": now, "run": run.id, "answered": len(answers[run.id]), "asked": len(run.asked)} for run in due])
    return len(due)


@dataclass(frozen=True)
class FormContext:
    project: Project
    run: ScheduleRun
    answer: CheckinAnswer | None
    questions: tuple[Question, ...]


def _may_answer(run: ScheduleRun, user_id: str, roles: frozenset[str]) -> bool:
    return user_id in run.asked or bool(roles)


async def form_context(services: Services, session: AsyncSession, user_id: str, run_id: int | None) -> FormContext:
    """What the form shows; UserError when this person may not answer this run (now)."""
    run = await rows.get_run(session, run_id) if run_id is not None else None
    if run is None or run.kind != "checkin":
        raise UserError("That button is not one of Crisp's; nothing changed.")
    project = await rows.project_of(session, run.project_id)
    if project is None or project.archived_at is not None:
        raise UserError("That project is archived; it takes no more check-ins.")
    if run.closed_at is not None or (run.closes_at is not None and run.closes_at <= services.clock.now()):
        raise UserError(views.run_closed(run.closed_at or run.closes_at))
    if not _may_answer(run, user_id, await team.roles_of(session, project.id, user_id)):
        raise UserError("Only the project's team (anyone holding a role) answers its check-ins.")
    return FormContext(project, run, await rows.answer_of(session, run.id, user_id),
                       await questions_for(session, project.id))


async def save_answer(services: Services, *, team_id: str, user_id: str, run_id: int | None,
                      values: dict[str, Any]) -> None:
    """Store (or replace) the person's answer while the window is open, and turn their DM into a thank-you."""
    answer_values(values)  # the fields every form has: named before the database is touched
    now = services.clock.now()
    async with services.db.transaction() as session:
        context = await form_context(services, session, user_id, run_id)
        if context.run.team_id != team_id:
            raise UserError("That button is not one of Crisp's; nothing changed.")
        fields = answer_values(values, context.questions)
        row = context.answer
        if row is None:
            row = CheckinAnswer(run_id=context.run.id, project_id=context.project.id, user_id=user_id,
                                answered_at=now, updated_at=now, progress=fields["progress"],
                                blockers=fields["blockers"], confidence=fields["confidence"],
                                help_needed=fields["help"], extra=fields["extra"] or None)
            session.add(row)
        else:
            row.progress, row.blockers, row.help_needed = fields["progress"], fields["blockers"], fields["help"]
            row.confidence, row.extra, row.updated_at = fields["confidence"], fields["extra"] or None, now
        await session.flush()
        await audit.record(session, team_id=team_id, project_id=context.project.id, actor_id=user_id,
                           action="checkin.answered", now=now, run=context.run.id, edited=context.answer is not None)
        if user_id in context.run.asked:
            await services.outbox.update(session, team_id, ask_key(context.run.id, user_id),
                                         views.prompt(context.project, context.run, answered=True))
