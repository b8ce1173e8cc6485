"""Documentation requests and records: the claims that make reminders and submissions happen once, and
the reads of `docs`, the status card, App Home and the digest."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.workspaces import installed
from storage.tables import DocRecord, DocRequest, Milestone, Project

_OPEN = DocRequest.fulfilled_at.is_(None)


async def add_request(session: AsyncSession, request: DocRequest) -> DocRequest:
    session.add(request)
    await session.flush()
    return request


async def open_requests(session: AsyncSession, project_id: int, phase: str, iteration: int) -> list[DocRequest]:
    """The open requests a record of this phase and iteration answers, oldest first."""
    statement = (select(DocRequest)
                 .where(DocRequest.project_id == project_id, DocRequest.phase == phase,
                        DocRequest.iteration == iteration, _OPEN)
                 .order_by(DocRequest.id))
    return list((await session.execute(statement.execution_options(populate_existing=True))).scalars())


async def close(session: AsyncSession, request_ids: list[int], *, record_id: int, now: datetime) -> list[int]:
    """Fulfils the requests still open among `request_ids`; returns those it closed."""
    if not request_ids:
        return []
    statement = (update(DocRequest).where(DocRequest.id.in_(request_ids), _OPEN)
                 .values(fulfilled_at=now, fulfilled_record_id=record_id, next_reminder_at=None)
                 .returning(DocRequest.id).execution_options(synchronize_session=False))
    return list((await session.execute(statement)).scalars())


async def reminders_due(session: AsyncSession, *, now: datetime, limit: int) -> list[DocRequest]:
    """Open requests of active projects in installed workspaces whose next reminder is due, oldest first."""
    statement = (select(DocRequest).join(Project, Project.id == DocRequest.project_id)
                 .where(_OPEN, DocRequest.next_reminder_at <= now, Project.archived_at.is_(None),
                        installed(DocRequest.team_id))
                 .order_by(DocRequest.next_reminder_at, DocRequest.id).limit(limit))
    return list((await session.execute(statement.execution_options(populate_existing=True))).scalars())


async def claim_reminder(session: AsyncSession, request_id: int, *, seen: int, next_at: datetime | None,
                         overdue_at: datetime | None) -> bool:
    """The once-only claim of reminder number `seen + 1`: only the process that moves the count on sends it."""
    values: dict[str, Any] = {"reminders_sent": seen + 1, "next_reminder_at": next_at}
    if overdue_at is not None:
        values["overdue_at"] = overdue_at
    result = await session.execute(
        update(DocRequest).where(DocRequest.id == request_id, DocRequest.reminders_sent == seen, _OPEN)
        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


async def get_request(session: AsyncSession, request_id: int) -> DocRequest | None:
    return await session.get(DocRequest, request_id, populate_existing=True)


# -- records ------------------------------------------------------------------------------------------

async def latest_record(session: AsyncSession, project_id: int, phase: str, iteration: int) -> DocRecord | None:
    statement = (select(DocRecord)
                 .where(DocRecord.project_id == project_id, DocRecord.phase == phase,
                        DocRecord.iteration == iteration)
                 .order_by(DocRecord.version.desc()).limit(1))
    return (await session.execute(statement.execution_options(populate_existing=True))).scalars().first()


async def add_record(session: AsyncSession, record: DocRecord) -> DocRecord:
    """Inserts the version; IntegrityError when another submission took that version number first."""
    session.add(record)
    await session.flush()
    return record


# Built once: `docs` runs on the ack path. The latest version of each (phase, iteration) record, and the
# open requests.
_VERSIONS = (select(DocRecord.phase, DocRecord.iteration, func.max(DocRecord.version).label("version"))
             .where(DocRecord.project_id == bindparam("project_id"))
             .group_by(DocRecord.phase, DocRecord.iteration).subquery())
_LATEST_RECORDS = (select(DocRecord)
                   .join(_VERSIONS, and_(DocRecord.phase == _VERSIONS.c.phase,
                                         DocRecord.iteration == _VERSIONS.c.iteration,
                                         DocRecord.version == _VERSIONS.c.version))
                   .where(DocRecord.project_id == bindparam("project_id"))
                   .order_by(DocRecord.iteration, DocRecord.phase))
_OPEN_OF_PROJECT = (select(DocRequest, Milestone.name).outerjoin(Milestone, Milestone.id == DocRequest.milestone_id)
                    .where(DocRequest.project_id == bindparam("project_id"), _OPEN).order_by(DocRequest.id))


async def latest_records(session: AsyncSession, project_id: int) -> list[DocRecord]:
    """The latest version of every record of the project."""
    return list((await session.execute(_LATEST_RECORDS, {"project_id": project_id})).scalars())


async def open_of_project(session: AsyncSession, project_id: int) -> list[tuple[DocRequest, str | None]]:
    """Open requests, oldest first, each with the name of the milestone that made it (None: a phase exit)."""
    return [(request, name) for request, name in
            (await session.execute(_OPEN_OF_PROJECT, {"project_id": project_id})).all()]


async def for_home(session: AsyncSession, project_ids: list[int], user_id: str, leading: list[int]
                   ) -> tuple[dict[int, list[DocRequest]], dict[int, list[DocRequest]]]:
    """App Home, one statement: per project, the open requests that asked `user_id`, and (in the projects
    of `leading`) those that asked nobody. The JSON list is read in Python: the same on both databases,
    and a project has few open requests."""
    if not project_ids:
        return {}, {}
    statement = select(DocRequest).where(DocRequest.project_id.in_(project_ids), _OPEN).order_by(DocRequest.id)
    asked: dict[int, list[DocRequest]] = {}
    unassigned: dict[int, list[DocRequest]] = {}
    for request in (await session.execute(statement)).scalars():
        if any(isinstance(entry, dict) and entry.get("user") == user_id for entry in request.asked):
            asked.setdefault(request.project_id, []).append(request)
        elif not request.asked and request.project_id in leading:
            unassigned.setdefault(request.project_id, []).append(request)
    return asked, unassigned


async def overdue_of_project(session: AsyncSession, project_id: int) -> list[DocRequest]:
    statement = (select(DocRequest).where(DocRequest.project_id == project_id, _OPEN,
                                          DocRequest.overdue_at.is_not(None))
                 .order_by(DocRequest.overdue_at, DocRequest.id))
    return list((await session.execute(statement)).scalars())


# -- the status card ----------------------------------------------------------------------------------

class StatusCounts(NamedTuple):
    open_milestones: int
    overdue_milestones: int
    pending_docs: int   # open requests not yet overdue
    overdue_docs: int


def _count(table, *where):
    return select(func.count()).select_from(table).where(*where).scalar_subquery()


_M_OF_PROJECT = (Milestone.project_id == bindparam("project_id"), Milestone.done_at.is_(None))
_R_OF_PROJECT = (DocRequest.project_id == bindparam("project_id"), _OPEN)
# Built once: one statement on the ack path of `status`.
_STATUS = select(_count(Milestone, *_M_OF_PROJECT),
                 _count(Milestone, *_M_OF_PROJECT, Milestone.due < bindparam("today")),
                 _count(DocRequest, *_R_OF_PROJECT, DocRequest.overdue_at.is_(None)),
                 _count(DocRequest, *_R_OF_PROJECT, DocRequest.overdue_at.is_not(None)))
_OVERDUE_NAMES = (select(Milestone.name).where(*_M_OF_PROJECT, Milestone.due < bindparam("today"))
                  .order_by(Milestone.due, Milestone.id).limit(bindparam("limit")))


async def status_counts(session: AsyncSession, project_id: int, today: date) -> StatusCounts:
    row = (await session.execute(_STATUS, {"project_id": project_id, "today": today})).one()
    return StatusCounts(*row)


async def overdue_milestone_names(session: AsyncSession, project_id: int, today: date, limit: int) -> list[str]:
    params = {"project_id": project_id, "today": today, "limit": limit}
    return list((await session.execute(_OVERDUE_NAMES, params)).scalars())
