"""The documentation sweep (in whichever process runs the scheduler): overdue milestones announced once
the day after their due date, and reminders for records still missing. Every message is claimed by an
UPDATE that only one process (or pass) can make, in the transaction that queues it."""

from __future__ import annotations

import logging

from bot.docs import requests
from bot.docs.milestones import today
from bot.services import Services
from bot.views import docs as doc_views
from bot.views import milestones as views
from storage.queries import audit, lifecycle
from storage.queries import docs as doc_rows
from storage.queries import milestones as rows

log = logging.getLogger("crisp.docs")

BATCH = 100


async def announce_overdue(services: Services) -> int:
    now = services.clock.now()
    announced = 0
    async with services.db.transaction() as session:
        for milestone in await rows.overdue_unannounced(session, before=today(services, now), limit=BATCH):
            if not await rows.claim_overdue_announcement(session, milestone.id, now):
                continue  # another process has it
            project = await lifecycle.active_project(session, milestone.project_id)
            if project is None:
                continue
            await services.outbox.post(session, project.team_id, project.channel_id,
                                       views.overdue_announcement(project, milestone),
                                       key=f"milestone:{milestone.id}:overdue")
            await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id="crisp",
                               action="milestone.overdue", now=now, milestone=milestone.id, name=milestone.name)
            announced += 1
    return announced


async def remind(services: Services) -> tuple[int, int]:
    """(reminders sent, requests that became overdue)."""
    now = services.clock.now()
    sent = overdue = 0
    async with services.db.transaction() as session:
        for request in await doc_rows.reminders_due(session, now=now, limit=BATCH):
            number = request.reminders_sent + 1
            last = number >= requests.REMINDERS
            if not await doc_rows.claim_reminder(session, request.id, seen=request.reminders_sent,
                                                 next_at=None if last else now + requests.REMINDER_EVERY,
                                                 overdue_at=now if last else None):
                continue  # another process sent this one
            project = await lifecycle.active_project(session, request.project_id)
            if project is None:
                continue
            message = doc_views.reminder(project, request, number, requests.REMINDERS)
            for entry in request.asked:
                if isinstance(entry, dict) and isinstance(entry.get("user"), str):
                    await services.outbox.post(session, project.team_id, entry["user"], message,
                                               key=f"docs:{request.id}:remind:{number}:{entry['user']}")
                    sent += 1
            if last:
                overdue += 1
                await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id="crisp",
                                   action="docs.overdue", now=now, request=request.id, phase=request.phase,
                                   iteration=request.iteration)
    return sent, overdue


async def docs_sweep(services: Services) -> str:
    with services.db.background():
        announced = await announce_overdue(services)
        reminded, overdue = await remind(services)
    return f"milestones_overdue={announced} reminders={reminded} docs_overdue={overdue}"
