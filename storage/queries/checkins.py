"""The team side of check-ins: who is away, a project's own questions, answers given early, and the
per-member prompts of `local` runs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.schedules import as_utc
from storage.queries.workspaces import installed
from storage.queries.upsert import insert_for
from storage.tables import CheckinAway, CheckinEarly, CheckinPrompt, CheckinQuestions

_AWAY = CheckinAway.__table__.c


async def set_away(session: AsyncSession, *, team_id: str, project_id: int, user_id: str, until: date,
                   set_by: str, now: datetime) -> None:
    statement = insert_for(session, CheckinAway.__table__).values(
        team_id=team_id, project_id=project_id, user_id=user_id, until=until, set_by=set_by, set_at=now)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[_AWAY.project_id, _AWAY.user_id], set_={"until": until, "set_by": set_by, "set_at": now}))


async def clear_away(session: AsyncSession, project_id: int, user_id: str) -> bool:
    """False when they were not marked away."""
    result = await session.execute(delete(CheckinAway).where(_AWAY.project_id == project_id,
                                                             _AWAY.user_id == user_id))
    return bool(result.rowcount)


async def away_in(session: AsyncSession, project_ids: list[int], *, on: date) -> dict[int, dict[str, date]]:
    """Who is away from each project's check-ins on `on` (their leave ends that day or later), in one
    statement."""
    away: dict[int, dict[str, date]] = {project_id: {} for project_id in project_ids}
    if not project_ids:
        return away
    rows = await session.execute(select(_AWAY.project_id, _AWAY.user_id, _AWAY.until)
                                 .where(_AWAY.project_id.in_(away), _AWAY.until >= on))
    for project_id, user_id, until in rows:
        away[project_id][user_id] = until
    return away


async def questions_of(session: AsyncSession, project_id: int) -> list[dict[str, Any]] | None:
    """The project's own questions as stored; None when it keeps the default ones."""
    row = await session.get(CheckinQuestions, project_id, populate_existing=True)
    return list(row.questions) if row is not None else None


async def questions_in(session: AsyncSession, project_ids: list[int]) -> dict[int, list[dict[str, Any]] | None]:
    """`questions_of` each of `project_ids` (one statement)."""
    found: dict[int, list[dict[str, Any]] | None] = {project_id: None for project_id in project_ids}
    if project_ids:
        statement = select(CheckinQuestions).where(CheckinQuestions.project_id.in_(found))
        for row in (await session.execute(statement.execution_options(populate_existing=True))).scalars():
            found[row.project_id] = list(row.questions)
    return found


async def set_questions(session: AsyncSession, *, team_id: str, project_id: int, questions: list[dict[str, Any]],
                        user_id: str, now: datetime) -> None:
    table = CheckinQuestions.__table__
    statement = insert_for(session, table).values(team_id=team_id, project_id=project_id, questions=questions,
                                                  updated_by=user_id, updated_at=now)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.project_id], set_={"questions": questions, "updated_by": user_id,
                                                   "updated_at": now}))


async def early_answer(session: AsyncSession, schedule_id: int, slot: datetime, user_id: str) -> CheckinEarly | None:
    statement = (select(CheckinEarly).where(CheckinEarly.schedule_id == schedule_id, CheckinEarly.slot == slot,
                                            CheckinEarly.user_id == user_id)
                 .execution_options(populate_existing=True))
    return (await session.execute(statement)).scalars().first()


async def early_answers_for(session: AsyncSession, slots: list[tuple[int, datetime]]
                            ) -> dict[tuple[int, datetime], list[CheckinEarly]]:
    """The answers given early for each (schedule id, slot), oldest first, in one statement."""
    found: dict[tuple[int, datetime], list[CheckinEarly]] = {pair: [] for pair in slots}
    if not slots:
        return found
    statement = (select(CheckinEarly)
                 .where(CheckinEarly.schedule_id.in_({schedule_id for schedule_id, _ in slots}),
                        CheckinEarly.slot.in_({slot for _, slot in slots}))
                 .order_by(CheckinEarly.id))
    wanted = {(schedule_id, as_utc(slot)): (schedule_id, slot) for schedule_id, slot in slots}
    for row in (await session.execute(statement)).scalars():
        if (pair := wanted.get((row.schedule_id, as_utc(row.slot)))) is not None:
            found[pair].append(row)
    return found


async def add_prompts(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert_for(session, CheckinPrompt.__table__).values(rows)
                              .on_conflict_do_nothing(index_elements=["run_id", "user_id"]))


def _claimable(session: AsyncSession, statement):
    if session.bind.dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement


async def claim_prompts_due(session: AsyncSession, *, now: datetime, limit: int) -> list[CheckinPrompt]:
    """Prompts whose member's slot has come and who has not been asked (locked: one process takes each)."""
    statement = (select(CheckinPrompt).where(CheckinPrompt.asked_at.is_(None), CheckinPrompt.due_at <= now,
                                             installed(CheckinPrompt.team_id))
                 .order_by(CheckinPrompt.due_at, CheckinPrompt.id).limit(limit))
    return list((await session.execute(
        _claimable(session, statement).execution_options(populate_existing=True))).scalars())


async def claim_prompt_reminders(session: AsyncSession, *, now: datetime, limit: int) -> list[CheckinPrompt]:
    statement = (select(CheckinPrompt).where(CheckinPrompt.asked_at.is_not(None),
                                             CheckinPrompt.reminded_at.is_(None), CheckinPrompt.remind_at <= now,
                                             installed(CheckinPrompt.team_id))
                 .order_by(CheckinPrompt.remind_at, CheckinPrompt.id).limit(limit))
    return list((await session.execute(
        _claimable(session, statement).execution_options(populate_existing=True))).scalars())
