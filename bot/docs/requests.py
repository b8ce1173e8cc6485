"""Asking for a phase's record: on `milestone done` and on leaving a phase, inside the transaction that made
the change. The roles responsible for the phase are asked by DM (the product owner stands in for a role
nobody holds); with nobody to ask, the request is still stored, so `docs` lists it, and the channel is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.crisp_dm import Phase, Role
from bot.docs.fields import FALLBACK, RESPONSIBLE
from bot.services import Services
from bot.views import docs as views
from storage.queries import audit, team
from storage.queries import docs as rows
from storage.tables import DocRequest, Project

# Reminders: the first this long after the request, then every REMINDER_EVERY, at most REMINDERS; after
# the last one the request is overdue.
FIRST_REMINDER = timedelta(days=2)
REMINDER_EVERY = timedelta(days=3)
REMINDERS = 3


@dataclass(frozen=True)
class Asked:
    request: DocRequest
    uncovered: tuple[Role, ...]  # responsible roles nobody holds, with no product owner to stand in


def ask_key(request_id: int, user_id: str) -> str:
    """The key of the DM asking `user_id` (edited when the record comes in)."""
    return f"docs:{request_id}:ask:{user_id}"


def addressees(phase: Phase, holders: list[tuple[str, str]], skip: set[str]) -> tuple[list[dict], tuple[Role, ...]]:
    """Who is asked, once each, with the role they are asked for: [{"user", "role", "standing_in"}], and the
    responsible roles left with nobody to ask. `holders`: (role, user id) of the current team."""
    by_role: dict[str, list[str]] = {}
    for role, user_id in holders:
        if user_id not in skip:
            by_role.setdefault(role, []).append(user_id)
    asked: dict[str, dict] = {}
    uncovered = []
    for role in RESPONSIBLE[phase]:
        people = by_role.get(role.value, [])
        standing_in = not people
        if standing_in:
            people = by_role.get(FALLBACK.value, [])
            if not people:
                uncovered.append(role)
        for user_id in people:
            asked.setdefault(user_id, {"user": user_id, "role": role.value, "standing_in": standing_in})
    return list(asked.values()), tuple(uncovered)


async def ask(services: Services, session: AsyncSession, project: Project, *, phase: Phase, iteration: int,
              requested_by: str, now: datetime, milestone_id: int | None = None,
              transition_id: int | None = None) -> Asked:
    """Stores the request and queues its DMs (and, when nobody can be asked for a role, a channel note)."""
    holders = await team.current_holders(session, project.id)
    crisp = await services.bot_user_for(project.team_id, session=session)
    asked, uncovered = addressees(phase, holders, {"USLACKBOT", crisp or ""})
    request = await rows.add_request(session, DocRequest(
        team_id=project.team_id, project_id=project.id, phase=phase.value, iteration=iteration,
        trigger="milestone" if milestone_id is not None else "phase-exit", milestone_id=milestone_id,
        transition_id=transition_id, asked=asked, requested_by=requested_by, requested_at=now,
        next_reminder_at=now + FIRST_REMINDER))
    for entry in asked:
        await services.outbox.post(session, project.team_id, entry["user"],
                                   views.prompt(project, request, entry), key=ask_key(request.id, entry["user"]))
    if uncovered:
        await services.outbox.post(session, project.team_id, project.channel_id,
                                   views.nobody_to_ask(project, request, uncovered, services.settings.slash_command),
                                   key=f"docs:{request.id}:nobody")
    await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=requested_by,
                       action="docs.requested", now=now, request=request.id, phase=phase.value,
                       iteration=iteration, asked=[entry["user"] for entry in asked],
                       uncovered=[role.value for role in uncovered])
    return Asked(request, uncovered)
