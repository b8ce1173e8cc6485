"""Digest figures waiting to be drawn; portfolio schedules, their runs, whose projects they cover, and the
counts the portfolio shows per project."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.schedules import as_utc, newest_slots, skip_locked
from storage.queries.workspaces import installed
from storage.tables import (DigestFigure, DocRequest, Feedback, Milestone, PortfolioRun, PortfolioSchedule, Project,
                            RoleAssignment, Stakeholder)

async def pending_figures(session: AsyncSession, *, limit: int) -> list[int]:
    """Run ids of the oldest figures not yet uploaded, in installed workspaces."""
    statement = (select(DigestFigure.run_id).where(DigestFigure.uploaded_at.is_(None), installed(DigestFigure.team_id))
                 .order_by(DigestFigure.run_id).limit(limit))
    return list((await session.execute(statement)).scalars())


async def claim_figure(session: AsyncSession, run_id: int) -> DigestFigure | None:
    """The figure, locked until the transaction ends, if it still waits (another process may have taken it:
    PostgreSQL skips a locked row; SQLite has one writer)."""
    statement = (select(DigestFigure).where(DigestFigure.run_id == run_id, DigestFigure.uploaded_at.is_(None))
                 .execution_options(populate_existing=True))
    return (await session.execute(skip_locked(session, statement, DigestFigure))).scalars().first()


async def figure_of(session: AsyncSession, run_id: int) -> DigestFigure | None:
    return await session.get(DigestFigure, run_id)


async def portfolio_schedule_of(session: AsyncSession, team_id: str, user_id: str) -> PortfolioSchedule | None:
    statement = (select(PortfolioSchedule)
                 .where(PortfolioSchedule.team_id == team_id, PortfolioSchedule.user_id == user_id)
                 .execution_options(populate_existing=True))
    return (await session.execute(statement)).scalars().first()


async def enabled_portfolios(session: AsyncSession) -> list[tuple[PortfolioSchedule, datetime | None]]:
    """Every enabled portfolio schedule in an installed workspace, with the slot of its newest run (None:
    never ran)."""
    newest = newest_slots(PortfolioRun.__table__)
    statement = (select(PortfolioSchedule, newest.c.slot)
                 .outerjoin(newest, newest.c.schedule_id == PortfolioSchedule.id)
                 .where(PortfolioSchedule.enabled.is_(True), installed(PortfolioSchedule.team_id))
                 .order_by(PortfolioSchedule.id))
    return [(schedule, as_utc(slot)) for schedule, slot in (await session.execute(statement)).all()]


async def portfolio_run_by_request(session: AsyncSession, team_id: str, user_id: str,
                                   request_key: str) -> PortfolioRun | None:
    statement = select(PortfolioRun).where(PortfolioRun.team_id == team_id, PortfolioRun.user_id == user_id,
                                           PortfolioRun.request_key == request_key)
    return (await session.execute(statement)).scalars().first()


async def previous_portfolio_run(session: AsyncSession, team_id: str, user_id: str,
                                 before_id: int) -> PortfolioRun | None:
    statement = (select(PortfolioRun)
                 .where(PortfolioRun.team_id == team_id, PortfolioRun.user_id == user_id,
                        PortfolioRun.skipped.is_(False), PortfolioRun.id < before_id)
                 .order_by(PortfolioRun.id.desc()).limit(1))
    return (await session.execute(statement)).scalars().first()


async def portfolio_projects(session: AsyncSession, team_id: str, user_id: str, *,
                             sponsor_role: str) -> list[Project]:
    """The active projects `user_id` is a stakeholder of, or holds `sponsor_role` in, by name."""
    stakeholder = select(Stakeholder.project_id).where(Stakeholder.team_id == team_id,
                                                      Stakeholder.user_id == user_id,
                                                      Stakeholder.removed_at.is_(None))
    sponsor = select(RoleAssignment.project_id).where(RoleAssignment.team_id == team_id,
                                                      RoleAssignment.user_id == user_id,
                                                      RoleAssignment.role == sponsor_role,
                                                      RoleAssignment.removed_at.is_(None))
    statement = (select(Project).where(Project.team_id == team_id, Project.archived_at.is_(None),
                                       or_(Project.id.in_(stakeholder), Project.id.in_(sponsor)))
                 .order_by(Project.name, Project.id))
    return list((await session.execute(statement)).scalars())


class AttentionCounts(NamedTuple):
    milestones_overdue: int
    docs_overdue: int
    feedback_new: int


def _count_of(table, *where):
    return select(func.count()).select_from(table).where(*where).correlate(Project).scalar_subquery()


async def attention_counts(session: AsyncSession, project_ids: list[int], *, today: date,
                           since: datetime | None) -> dict[int, AttentionCounts]:
    """Per project, in one statement: open milestones due before `today`, overdue documentation requests,
    feedback given after `since` (all of it when None; what came at `since`
    was counted by the digest then)."""
    if not project_ids:
        return {}
    statement = select(
        Project.id,
        _count_of(Milestone, Milestone.project_id == Project.id, Milestone.done_at.is_(None), Milestone.due < today),
        _count_of(DocRequest, DocRequest.project_id == Project.id, DocRequest.fulfilled_at.is_(None),
                  DocRequest.overdue_at.is_not(None)),
        _count_of(Feedback, Feedback.project_id == Project.id,
                  Feedback.created_at > since if since is not None else true()),
    ).where(Project.id.in_(project_ids))
    return {row[0]: AttentionCounts(*row[1:]) for row in (await session.execute(statement)).all()}
