"""The digest's timeline picture, drawn and uploaded off every request's path.

A digest's transaction (scheduled, or `digest now` answering in its HTTP response) queues the text DMs and
one `digest_figure` row. This job (every few seconds, in whichever process runs the scheduler) reads the
project's moves and targets, draws the PNG in a worker thread (tens of milliseconds; the event loop keeps
serving), then in one transaction locks the figure row, queues one upload per recipient through the outbox
(files upload v2, into the same DM, after the text: same lane) and marks it uploaded. Two processes may
both draw a figure, but only the one holding the row queues its uploads, once."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.digests.timeline import Timeline, timeline_of
from bot.digests.timeline_png import render
from bot.services import Services
from storage.queries import digests as figure_rows
from storage.queries import lifecycle as lifecycle_rows
from storage.queries import schedules as schedule_rows
from storage.queries.targets import targets_of
from storage.tables import DigestFigure, Project, ScheduleRun

log = logging.getLogger("crisp.digests")

BATCH = 20


async def queue(session: AsyncSession, project: Project, run: ScheduleRun, recipients: list[str],
                now: datetime) -> None:
    """In the digest's transaction: the figure is drawn and uploaded later, once."""
    session.add(DigestFigure(run_id=run.id, team_id=project.team_id, project_id=project.id,
                             recipients=list(recipients), queued_at=now))


async def timeline_for(session: AsyncSession, project: Project, now: datetime) -> Timeline:
    return timeline_of(project.name, await lifecycle_rows.transitions(session, project.id),
                       await targets_of(session, project.id), now, phase=project.phase,
                       phase_since=project.phase_since, iteration=project.iteration)


def filename(project: Project, now: datetime) -> str:
    return f"{project.slug}-timeline-{now:%Y-%m-%d}.png"


async def figure_sweep(services: Services) -> str:
    uploaded = failed = 0
    with services.db.background():
        async with services.db.read() as session:
            pending = await figure_rows.pending_figures(session, limit=BATCH)
        for run_id in pending:
            outcome = await draw_and_upload(services, run_id)
            uploaded += outcome == "uploaded"
            failed += outcome == "failed"
    return f"pending={len(pending)} uploaded={uploaded} failed={failed}"


async def draw_and_upload(services: Services, run_id: int) -> str:
    """"uploaded", "taken" (another process has it, or it is gone) or "failed" (logged; not tried again)."""
    now = services.clock.now()
    async with services.db.read() as session:
        figure = await figure_rows.figure_of(session, run_id)
        project = await schedule_rows.project_of(session, figure.project_id) if figure is not None else None
        if figure is None or project is None or figure.uploaded_at is not None:
            return "taken"
        timeline = await timeline_for(session, project, now)
    try:
        png = await asyncio.to_thread(render, timeline)
    except Exception:
        log.exception("digest run %s: the timeline of project %s could not be drawn; sent without it",
                      run_id, project.id)
        png = None
    async with services.db.transaction() as session:
        figure = await figure_rows.claim_figure(session, run_id)
        if figure is None:
            return "taken"
        figure.uploaded_at = now
        if png is None:
            return "failed"
        for user_id in figure.recipients:
            await services.outbox.upload(session, figure.team_id, user_id, filename=filename(project, now),
                                         content=png, title=f"{project.name}: phase timeline",
                                         dedupe_key=f"digest:{run_id}:{user_id}:timeline")
    return "uploaded"
