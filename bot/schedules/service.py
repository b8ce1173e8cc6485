"""Setting and turning off a project's schedules: one transaction each, with its audit row and its
announcement in the channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.errors import UserError
from bot.permissions import Action, Caller
from bot.schedules.slots import Spec, next_slot
from bot.services import Services
from bot.views import schedules as views
from storage.queries import audit
from storage.queries import schedules as rows
from storage.tables import Project, Schedule

KINDS = ("checkin", "digest")


@dataclass(frozen=True)
class Outcome:
    spec: Spec
    next_at: datetime | None
    replaced: Spec | None = None  # the schedule it replaced (one that was on, and differed)


def spec_of(schedule: Schedule) -> Spec:
    return Spec.stored(schedule.days, schedule.at_time, schedule.tz)


async def set_schedule(services: Services, caller: Caller, project: Project, kind: str, spec: Spec) -> Outcome:
    caller.require(Action.MANAGE_SCHEDULES)
    now = services.clock.now()
    try:
        async with services.db.transaction() as session:
            row = await rows.schedule_of(session, project.id, kind)
            replaced = spec_of(row) if row is not None and row.enabled else None
            if replaced is not None and (replaced.days_text, replaced.at_text, replaced.tz) == \
                    (spec.days_text, spec.at_text, spec.tz):
                replaced = None
            if row is None:
                row = Schedule(team_id=project.team_id, project_id=project.id, kind=kind, days=spec.days_text,
                               at_time=spec.at_text, tz=spec.tz, enabled=True, since=now,
                               updated_by=caller.user_id, updated_at=now)
                session.add(row)
            else:
                row.days, row.at_time, row.tz = spec.days_text, spec.at_text, spec.tz
                row.enabled, row.since, row.updated_by, row.updated_at = True, now, caller.user_id, now
            await session.flush()
            next_at = next_slot(spec, now)
            await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                               action=f"{kind}.scheduled", now=now, schedule=row.id, days=spec.days_text,
                               at=spec.at_text, tz=spec.tz)
            await services.outbox.post(session, project.team_id, project.channel_id,
                                       views.schedule_announcement(project, kind, spec, caller.user_id, next_at,
                                                                  replaced=replaced),
                                       requested_by=caller.user_id)
    except IntegrityError:
        raise UserError("Someone set this schedule at the same moment; nothing changed. Please try again.") from None
    return Outcome(spec, next_at, replaced)


async def turn_off(services: Services, caller: Caller, project: Project, kind: str) -> bool:
    """False when it was not on."""
    caller.require(Action.MANAGE_SCHEDULES)
    now = services.clock.now()
    async with services.db.transaction() as session:
        row = await rows.schedule_of(session, project.id, kind)
        if row is None or not row.enabled:
            return False
        row.enabled, row.updated_by, row.updated_at = False, caller.user_id, now
        await session.flush()
        await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                           action=f"{kind}.unscheduled", now=now, schedule=row.id)
        await services.outbox.post(session, project.team_id, project.channel_id,
                                   views.off_announcement(project, kind, caller.user_id), requested_by=caller.user_id)
    return True
