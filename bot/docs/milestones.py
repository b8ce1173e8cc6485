"""`milestone add`, `milestone done`: one transaction each with its audit row and channel announcement;
done also asks for the phase's record (bot.docs.requests)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from bot.crisp_dm import Phase
from bot.docs import requests
from bot.errors import UserError
from bot.permissions import Action, Caller
from bot.dates import today_in
from bot.services import Services
from bot.text import require_length, typed_text
from bot.views import milestones as views
from storage.queries import audit, lifecycle
from storage.queries import milestones as rows
from storage.tables import Milestone, Project

NAME_LIMIT = 200
_DUE = re.compile(r"^(?P<name>.*?)\s*\bdue\s+(?P<date>\d\S*)$", re.IGNORECASE | re.DOTALL)


def today(services: Services, now: datetime | None = None) -> date:
    """The date in the team's default time zone: a milestone due on it is overdue from the next day."""
    return local_date(now or services.clock.now(), services.settings.default_timezone)


def local_date(moment: datetime, tz: str) -> date:
    return today_in(tz, moment)


def name_key(name: str) -> str:
    """What makes two names the same milestone: case and spacing do not count."""
    return " ".join(name.casefold().split())


def parse_add(args: str, slash: str) -> tuple[str, date | None]:
    """`NAME [due YYYY-MM-DD]` → (name as typed, due date)."""
    text = typed_text(args)
    due = None
    match = _DUE.match(text)
    if match:
        try:
            due = date.fromisoformat(match.group("date"))
        except ValueError:
            raise UserError(f"`{match.group('date')[:40]}` is not a date; write it as YYYY-MM-DD, "
                            "e.g. `due 2026-03-31`.", hint=f"`{slash} milestone add NAME due YYYY-MM-DD`") from None
        text = match.group("name").strip()
    if not text:
        raise UserError("A milestone needs a name: `milestone add NAME [due YYYY-MM-DD]`, "
                        "e.g. `milestone add Baseline model due 2026-03-31`.")
    return require_length(text, NAME_LIMIT, "The milestone name"), due


async def add(services: Services, caller: Caller, project: Project, args: str) -> Milestone:
    caller.require(Action.CONTRIBUTE)
    slash = services.settings.slash_command
    name, due = parse_add(args, slash)
    now = services.clock.now()
    if due is not None and due < today(services, now):
        raise UserError(f"{due.isoformat()} has passed; give a due date from today on. Nothing was added.")
    try:
        async with services.db.transaction() as session:
            current = await lifecycle.active_project(session, project.id)
            if current is None:
                raise UserError("That project is archived; it takes no more milestones.")
            milestone = await rows.add(session, Milestone(
                team_id=current.team_id, project_id=current.id, name=name, name_key=name_key(name),
                phase=current.phase, iteration=current.iteration, due=due, added_by=caller.user_id, added_at=now))
            await audit.record(session, team_id=current.team_id, project_id=current.id, actor_id=caller.user_id,
                               action="milestone.added", now=now, milestone=milestone.id, name=name,
                               due=due.isoformat() if due else None, phase=current.phase)
            await services.outbox.post(session, current.team_id, current.channel_id,
                                       views.added_announcement(current, milestone),
                                       key=f"milestone:{milestone.id}:added", requested_by=caller.user_id)
            return milestone
    except IntegrityError:
        raise UserError(views.duplicate(name), hint=f"`{slash} milestones` lists them.") from None


@dataclass(frozen=True)
class Done:
    milestone: Milestone
    asked: requests.Asked


async def done(services: Services, caller: Caller, project: Project, args: str) -> Done:
    caller.require(Action.CONTRIBUTE)
    slash = services.settings.slash_command
    name = typed_text(args)
    if not name:
        raise UserError("Say which milestone: `milestone done NAME`.", hint=f"`{slash} milestones` lists them.")
    now = services.clock.now()
    async with services.db.transaction() as session:
        # Locked like a phase move, so the request is made for the phase the milestone belongs to,
        # one completion after another.
        current = await lifecycle.lock_project(session, project.id)
        if current is None or current.archived_at is not None:
            raise UserError("That project is archived; its milestones no longer change.")
        milestone = await rows.by_key(session, current.id, name_key(name))
        if milestone is None:
            raise UserError(views.unknown(name, await rows.open_names(session, current.id)),
                            hint=f"`{slash} milestone add NAME` adds one.")
        if not await rows.claim_done(session, milestone.id, user_id=caller.user_id, now=now):
            await session.refresh(milestone)
            raise UserError(views.already_done(milestone))
        milestone.done_by, milestone.done_at = caller.user_id, now
        asked = await requests.ask(services, session, current, phase=Phase(milestone.phase),
                                   iteration=milestone.iteration, requested_by=caller.user_id, now=now,
                                   milestone_id=milestone.id)
        await audit.record(session, team_id=current.team_id, project_id=current.id, actor_id=caller.user_id,
                           action="milestone.done", now=now, milestone=milestone.id, name=milestone.name,
                           request=asked.request.id)
        await services.outbox.post(session, current.team_id, current.channel_id,
                                   views.done_announcement(current, milestone, asked.request),
                                   key=f"milestone:{milestone.id}:done", requested_by=caller.user_id)
        return Done(milestone, asked)
