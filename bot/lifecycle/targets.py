"""`phase target PHASE YYYY-MM-DD`: when a phase is expected to end. One transaction writes the target, its
audit row and the announcement; reading it back gives the current phase's days ahead or behind."""

from __future__ import annotations

from datetime import date, timedelta

from bot.crisp_dm import Phase
from bot.dates import parse_day, today_in
from bot.errors import UserError
from bot.lifecycle.parsing import split_phase
from bot.permissions import Action, Caller
from bot.services import Services
from bot.views import targets as views
from bot.views.mrkdwn import code
from storage.queries import audit
from storage.queries import targets as rows
from storage.tables import Project

USAGE = "phase target PHASE YYYY-MM-DD"
FURTHEST = timedelta(days=5 * 366)


def parse_target(text: str, today: date) -> tuple[Phase, date]:
    """`modeling 2026-03-01` → (modeling, that day); UserError naming the problem, nothing stored."""
    if not text.strip():
        raise UserError(f"Which phase, and by when? {code(USAGE)}, e.g. `phase target modeling 2026-03-01`.")
    phase, rest = split_phase(text)
    words = rest.split()
    if len(words) != 1:
        raise UserError(f"Give one date after the phase: {code(USAGE)}. Nothing was changed.")
    target = parse_day(words[0], what="the day the phase should end")
    if target < today:
        raise UserError(f"{code(words[0])} has passed (today is {today.isoformat()}); a target is a day to come. "
                        "Nothing was changed.")
    if target > today + FURTHEST:
        raise UserError(f"{code(words[0])} is more than five years away. Nothing was changed.")
    return phase, target


async def set_target(services: Services, caller: Caller, project: Project, text: str) -> tuple[Phase, date]:
    caller.require(Action.SET_TARGETS)
    now = services.clock.now()
    phase, target = parse_target(text, today_in(services.settings.default_timezone, now))
    async with services.db.transaction() as session:
        previous = await rows.set_target(session, team_id=project.team_id, project_id=project.id,
                                         phase=phase.value, target=target, user_id=caller.user_id, now=now)
        await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="phase.target", now=now, phase=phase.value, target=target.isoformat(),
                           previous=previous.isoformat() if previous else None)
        await services.outbox.post(session, project.team_id, project.channel_id,
                                   views.target_announcement(project, phase, target, previous, caller.user_id),
                                   requested_by=caller.user_id)
    return phase, target
