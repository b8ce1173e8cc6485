"""`docs export`, in two steps so the command answers at once and people are named by their Slack display
names (users.info, never on the ack path):

1. The command stores an outbox row of the pseudo-method `crisp.docs.export` (plus its audit entry) and
   answers "on its way". A newer export of the same project replaces one still waiting.
2. The outbox worker runs `run` for that row: it reads the project, looks up the names, builds the Markdown
   and queues its upload (files upload v2, bot/outbox/uploads.py) under a key made from the row's id. The
   row is settled only after that commit; if the worker dies in between, the row is taken over and run
   again, and the upload's key drops the second copy: one export request, one file.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.crisp_dm import Phase
from bot.docs.fields import FIELDS
from bot.export import markdown
from bot.outbox.delivery import Delivered, GiveUp, Outcome
from bot.people import directory
from bot.permissions import Caller
from bot.services import Services
from bot.views import export as views
from storage.queries import audit, team
from storage.queries import docs as doc_rows
from storage.queries import lifecycle as lifecycle_rows
from storage.queries import milestones as milestone_rows
from storage.tables import OutboxMessage, Project

EXPORT = "crisp.docs.export"


def labels(phase: Phase):
    return ((field.key, field.label) for field in FIELDS[phase])


async def request(services: Services, caller: Caller, project: Project, request_key: str | None) -> bool:
    """Queue the export; False when this request (Slack's retry of it) queued it already."""
    now = services.clock.now()
    async with services.db.transaction() as session:
        row = await services.outbox.call(
            session, project.team_id, EXPORT, {"project_id": project.id, "by": caller.user_id},
            dedupe_key=f"docs-export:{project.team_id}:{request_key}" if request_key else None,
            replace_key=f"docs-export:{project.team_id}:{project.id}", requested_by=caller.user_id)
        if row is None:
            return False
        await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="docs.export", now=now, outbox=row.id)
    return True


async def gather(session: AsyncSession, project: Project, *, now: datetime, by: str) -> markdown.ExportData:
    """Everything the document shows, read in one session."""
    snapshot = await team.snapshot(session, project.id)
    moves = [markdown.Move(t.from_phase, t.to_phase, t.backward, t.iteration, t.actor_id, t.note, t.created_at)
             for t in await lifecycle_rows.transitions(session, project.id)]
    records = [markdown.Record(r.phase, r.iteration, r.version, dict(r.fields or {}), r.link, r.author,
                               r.submitted_at)
               for r in await doc_rows.latest_records(session, project.id)]
    missing = [markdown.Missing(r.phase, r.iteration, name, tuple(a.get("user") for a in r.asked or ()
                                                                  if isinstance(a, dict) and a.get("user")),
                                r.requested_at, r.overdue_at is not None)
               for r, name in await doc_rows.open_of_project(session, project.id)]
    milestones = [markdown.MilestoneFacts(m.name, m.phase, m.due, m.done_by, m.done_at)
                  for m in await milestone_rows.of_project(session, project.id)]
    facts = markdown.ProjectFacts(project.name, project.phase, project.phase_since, project.iteration,
                                  project.created_at, project.goal, project.success_metric)
    return markdown.ExportData(facts, moves, list(snapshot.holders), list(snapshot.stakeholders), records, missing,
                               milestones, exported_at=now, exported_by=by)


async def build(services: Services, project: Project, by: str) -> str:
    """The document, with people named as Slack shows them (looked up when missing or stale)."""
    async with services.db.read() as session:
        data = await gather(session, project, now=services.clock.now(), by=by)
    people = await directory.lookup(services, project.team_id, data.people())
    data.names = {user_id: person.name for user_id, person in people.items()}
    return markdown.build(data, labels)


async def run(services: Services, row: OutboxMessage) -> Outcome:
    """The worker's step for an export row: build the document and queue its upload to the channel."""
    project_id, by = row.payload.get("project_id"), row.payload.get("by") or ""
    async with services.db.read() as session:
        project = await session.get(Project, project_id) if isinstance(project_id, int) else None
    if project is None or project.team_id != row.team_id:
        return GiveUp(error="the project to export is gone", tell_requester=False)
    document = await build(services, project, by)
    now = services.clock.now()
    async with services.db.transaction() as session:
        await services.outbox.upload(session, project.team_id, project.channel_id,
                                     filename=views.filename(project, now), content=document.encode(),
                                     title=views.title(project, now), initial_comment=views.comment(project, by),
                                     dedupe_key=f"docs-export-file:{row.id}", requested_by=by or None)
    return Delivered(channel=project.channel_id, ts=None)
