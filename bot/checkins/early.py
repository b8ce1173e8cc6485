"""Answering early, from App Home: someone who will be away at the next slot of a project's check-in
answers now. The answer is kept for (schedule, slot) and moved into that run's answers when the run opens:
the person is then not asked and counts as having answered. Until then it can be changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins.answers import answer_values
from bot.checkins.questions import Question, questions_for
from bot.errors import UserError
from bot.schedules.service import spec_of
from bot.schedules.slots import next_slot
from bot.services import Services
from bot.views import carried
from storage.queries import audit, team
from storage.queries import checkins as rows
from storage.queries import schedules as schedule_rows
from storage.tables import CheckinAnswer, CheckinEarly, Project, Schedule, ScheduleRun

NOT_OURS = "That button is not one of Crisp's; nothing changed."


@dataclass(frozen=True)
class EarlyContext:
    project: Project
    schedule: Schedule
    slot: datetime
    answer: CheckinAnswer | None  # what they answered early before, shaped as an answer
    questions: tuple[Question, ...]


def slot_value(slot: datetime) -> int:
    return int(slot.timestamp())


def metadata(schedule: Schedule, slot: datetime) -> dict[str, int]:
    return {"s": schedule.id, "t": slot_value(slot)}


def as_answer(row: CheckinEarly | None) -> CheckinAnswer | None:
    if row is None:
        return None
    given = row.answer if isinstance(row.answer, dict) else {}

    def text(key: str) -> str:
        return given.get(key) if isinstance(given.get(key), str) else ""

    extra = given.get("extra") if isinstance(given.get("extra"), dict) else None
    return CheckinAnswer(run_id=0, project_id=row.project_id, user_id=row.user_id, progress=text("progress"),
                         blockers=text("blockers"), confidence=text("confidence"), help_needed=text("help"),
                         extra=extra, answered_at=row.answered_at, updated_at=row.updated_at)


def next_for_home(schedule: Schedule | None, now: datetime) -> tuple[dict[str, int], datetime] | None:
    """The Answer early button's value and the slot it is for (None: no check-in schedule)."""
    if schedule is None or spec_of(schedule).local:
        return None  # a `local` check-in has no single next slot (not offered yet)
    upcoming = next_slot(spec_of(schedule), now)
    return (metadata(schedule, upcoming), upcoming) if upcoming is not None else None


async def context_for(services: Services, session: AsyncSession, team_id: str, user_id: str,
                      data: dict[str, Any]) -> EarlyContext:
    """What the early form is for: the schedule's next slot, still ahead; UserError otherwise."""
    schedule_id, stamp = carried.row_id(data.get("s")), carried.count(data.get("t"))
    schedule = await session.get(Schedule, schedule_id) if schedule_id is not None else None
    if schedule is None or stamp is None or schedule.kind != "checkin" or schedule.team_id != team_id:
        raise UserError(NOT_OURS)
    project = await schedule_rows.project_of(session, schedule.project_id)
    if project is None or project.archived_at is not None:
        raise UserError("That project is archived; it takes no more check-ins.")
    now = services.clock.now()
    upcoming = next_slot(spec_of(schedule), now) if schedule.enabled and not spec_of(schedule).local else None
    if upcoming is None or slot_value(upcoming) != stamp:
        raise UserError("That check-in has started or its schedule changed; open App Home again for the next one.")
    if not await team.roles_of(session, project.id, user_id):
        raise UserError("Only the project's team (anyone holding a role) answers its check-ins.")
    earlier = await rows.early_answer(session, schedule.id, upcoming, user_id)
    return EarlyContext(project, schedule, upcoming, as_answer(earlier), await questions_for(session, project.id))


async def save_early(services: Services, *, team_id: str, user_id: str, data: dict[str, Any],
                     values: dict[str, Any]) -> EarlyContext:
    answer_values(values)
    now = services.clock.now()
    async with services.db.transaction() as session:
        context = await context_for(services, session, team_id, user_id, data)
        fields = answer_values(values, context.questions)
        stored = {"progress": fields["progress"], "blockers": fields["blockers"], "confidence": fields["confidence"],
                  "help": fields["help"], "extra": fields["extra"]}
        row = await rows.early_answer(session, context.schedule.id, context.slot, user_id)
        if row is None:
            session.add(CheckinEarly(team_id=team_id, project_id=context.project.id, schedule_id=context.schedule.id,
                                     slot=context.slot, user_id=user_id, answer=stored, answered_at=now,
                                     updated_at=now))
        else:
            row.answer, row.updated_at = stored, now
        await session.flush()
        await audit.record(session, team_id=team_id, project_id=context.project.id, actor_id=user_id,
                           action="checkin.answered_early", now=now, schedule=context.schedule.id,
                           slot=context.slot.isoformat(), edited=row is not None)
    return context


async def take_early(session: AsyncSession, opening: Sequence[tuple[ScheduleRun, list[str]]]) -> list[set[str]]:
    """When scheduled runs open (each with its members): early answers for each run's slot become its answers
    (members only), read for all the runs at once and added to the session (flushed by the caller). Returns
    who answered early, per run."""
    scheduled = [(run.schedule_id, run.slot) for run, _ in opening if run.schedule_id is not None]
    early = await rows.early_answers_for(session, scheduled)
    taken: list[set[str]] = []
    for run, members in opening:
        answered: set[str] = set()
        for row in early[(run.schedule_id, run.slot)] if run.schedule_id is not None else ():
            if row.user_id not in members:
                continue
            answer = as_answer(row)
            answer.run_id, answer.answered_at = run.id, row.answered_at.astimezone(UTC)
            session.add(answer)
            answered.add(row.user_id)
        taken.append(answered)
    return taken
