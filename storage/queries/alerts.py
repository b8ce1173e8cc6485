"""Alert groups, their alerts, routes and feedback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.queries.upsert import insert_for
from storage.tables import Alert, AlertFeedback, AlertGroup, AlertRoute, Project


def _locking(session: AsyncSession, statement):
    """Row locks where the database has them (PostgreSQL); SQLite has one writer anyway."""
    return statement.with_for_update() if session.bind.dialect.name == "postgresql" else statement


async def group_by_key(session: AsyncSession, source: str, group_key: str, *, lock: bool = False) -> AlertGroup | None:
    statement = select(AlertGroup).where(AlertGroup.source == source, AlertGroup.group_key == group_key)
    if lock:
        statement = _locking(session, statement)
    return (await session.execute(statement)).scalars().first()


_INSERT_GROUP: dict[str, object] = {}


async def insert_group(session: AsyncSession, values: dict) -> int | None:
    """Insert a new group unless someone stored the same one a moment ago; its id when this call did.
    The statement is built once per dialect and gets `values` as parameters (compiled once, cached)."""
    dialect = session.bind.dialect.name
    statement = _INSERT_GROUP.get(dialect)
    if statement is None:
        statement = _INSERT_GROUP[dialect] = (
            insert_for(session, AlertGroup.__table__)
            .on_conflict_do_nothing(index_elements=["source", "group_key"])
            .returning(AlertGroup.__table__.c.id))
    row = {column.name: column.default.arg if column.default is not None and not callable(column.default.arg)
           else None for column in AlertGroup.__table__.columns if column.name != "id"}
    row.update(values)
    return (await session.execute(statement, row)).scalar_one_or_none()


def belongs_to(group: AlertGroup, team_id: str) -> bool:
    """Whether a person of workspace `team_id` may see or act on the group (one of no workspace yet:
    stored before the bot knew its own, in single-workspace mode)."""
    return group.team_id is None or group.team_id == team_id


async def insert_alerts(session: AsyncSession, group_id: int, rows: list[dict]) -> None:
    """A new group's alerts, in one executemany (rows are Alert's columns, without group_id)."""
    await session.execute(insert(Alert.__table__), [{"relayed_status": None, **row, "group_id": group_id}
                                                    for row in rows])


async def get_group(session: AsyncSession, group_id: int, *, lock: bool = False) -> AlertGroup | None:
    statement = select(AlertGroup).where(AlertGroup.id == group_id)
    if lock:
        statement = _locking(session, statement)
    return (await session.execute(statement.execution_options(populate_existing=True))).scalars().first()


async def alerts_of(session: AsyncSession, group_id: int) -> list[Alert]:
    """A group's alerts: firing first, then by when they started."""
    statement = (select(Alert).where(Alert.group_id == group_id)
                 .order_by((Alert.status == "firing").desc(), Alert.starts_at, Alert.id))
    return list((await session.execute(statement)).scalars())


async def claim_dirty(session: AsyncSession, *, now: datetime, limit: int) -> list[AlertGroup]:
    """Groups with changes to relay, oldest change first, locked for this transaction (rows another
    process holds are skipped); a group whose thread reply waits for its channel's budget is due later. Silenced groups wait until their silence ends; groups whose workspace or
    channel is not known yet are left for later."""
    statement = (
        select(AlertGroup)
        .where(AlertGroup.dirty_since.is_not(None), AlertGroup.dirty_since <= now, AlertGroup.team_id.is_not(None),
               AlertGroup.channel_id.is_not(None),
               or_(AlertGroup.silenced_until.is_(None), AlertGroup.silenced_until <= now),
               or_(AlertGroup.silenced_until_resolved.is_(False), AlertGroup.status == "resolved"))
        .order_by(AlertGroup.dirty_since, AlertGroup.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return list((await session.execute(statement.execution_options(populate_existing=True))).scalars())


async def end_silences(session: AsyncSession, *, now: datetime) -> int:
    """Silences that ran out: the group shows its state again (its message is edited)."""
    ended = or_(and_(AlertGroup.silenced_until.is_not(None), AlertGroup.silenced_until <= now),
                and_(AlertGroup.silenced_until_resolved.is_(True), AlertGroup.status == "resolved"))
    result = await session.execute(
        update(AlertGroup).where(ended)
        .values(silenced_until=None, silenced_until_resolved=False, silenced_by=None,
                dirty_since=func.coalesce(AlertGroup.dirty_since, now), revision=AlertGroup.revision + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount


async def adopt_workspace(session: AsyncSession, team_id: str) -> int:
    """Groups stored before the bot knew its workspace (Slack unreachable at start) take it now."""
    result = await session.execute(
        update(AlertGroup).where(AlertGroup.team_id.is_(None), AlertGroup.channel_id.is_not(None))
        .values(team_id=team_id).execution_options(synchronize_session=False))
    return result.rowcount


async def redraw_iteration_offers(session: AsyncSession, project_id: int, now: datetime,
                                  kinds: tuple[str, ...] = ("drift", "performance")) -> None:
    """The project entered or left deployment: its firing drift and performance groups' messages gain or
    lose *Start an iteration*, so the relay redraws them."""
    await session.execute(
        update(AlertGroup)
        .where(AlertGroup.project_id == project_id, AlertGroup.status == "firing", AlertGroup.kind.in_(kinds),
               AlertGroup.message_key.is_not(None))
        .values(revision=AlertGroup.revision + 1, dirty_since=func.coalesce(AlertGroup.dirty_since, now))
        .execution_options(synchronize_session=False))


# Built once: the status card reads a project's open groups on the ack path.
_PROJECT_FIRING = (AlertGroup.status == "firing", AlertGroup.project_id == bindparam("project_id"))
_OPEN_OF_PROJECT = (select(AlertGroup).where(*_PROJECT_FIRING)
                    .order_by(AlertGroup.started_at.desc(), AlertGroup.id.desc()).limit(bindparam("limit")))
_OPEN_COUNT_OF_PROJECT = select(func.count()).select_from(AlertGroup).where(*_PROJECT_FIRING)


async def open_groups(session: AsyncSession, *, project_id: int | None, limit: int,
                      team_id: str | None = None) -> tuple[list[AlertGroup], int]:
    """Firing groups of a project (None: of no project, in workspace `team_id` or of none yet), newest
    first, and how many there are in all."""
    if project_id is not None:
        params = {"project_id": project_id, "limit": limit}
        groups = list((await session.execute(_OPEN_OF_PROJECT, params)).scalars())
        total = (await session.execute(_OPEN_COUNT_OF_PROJECT, params)).scalar_one() if len(groups) == limit \
            else len(groups)
        return groups, total
    where = [AlertGroup.status == "firing", AlertGroup.project_id.is_(None),
             or_(AlertGroup.team_id == team_id, AlertGroup.team_id.is_(None))]
    groups = (await session.execute(
        select(AlertGroup).where(*where).order_by(AlertGroup.started_at.desc(), AlertGroup.id.desc()).limit(limit)
    )).scalars()
    total = (await session.execute(select(func.count()).select_from(AlertGroup).where(*where))).scalar_one()
    return list(groups), total


# -- routes -------------------------------------------------------------------------------------------

async def routes_in(session: AsyncSession, team_id: str | None) -> list[tuple[AlertRoute, Project]]:
    """Every route of the workspace to an active project, oldest first (the first match wins). None:
    every workspace's (single-workspace mode before Slack said which workspace the bot is in)."""
    statement = (select(AlertRoute, Project).join(Project, Project.id == AlertRoute.project_id)
                 .where(Project.archived_at.is_(None)).order_by(AlertRoute.id))
    if team_id is not None:
        statement = statement.where(AlertRoute.team_id == team_id)
    return [(route, project) for route, project in (await session.execute(statement)).all()]


async def routes_of(session: AsyncSession, project_id: int) -> list[AlertRoute]:
    statement = select(AlertRoute).where(AlertRoute.project_id == project_id).order_by(AlertRoute.id)
    return list((await session.execute(statement)).scalars())


async def route_for(session: AsyncSession, team_id: str, key: str, value: str) -> tuple[AlertRoute, Project] | None:
    statement = (select(AlertRoute, Project).join(Project, Project.id == AlertRoute.project_id)
                 .where(AlertRoute.team_id == team_id, AlertRoute.label_key == key, AlertRoute.label_value == value))
    row = (await session.execute(statement)).first()
    return (row[0], row[1]) if row else None


async def remove_route(session: AsyncSession, route_id: int) -> None:
    await session.execute(delete(AlertRoute).where(AlertRoute.id == route_id))


async def active_project_by_slug(session: AsyncSession, slug: str, team_id: str | None) -> Project | None:
    """The workspace's active project with this slug (None: any workspace's, as for `routes_in`)."""
    statement = select(Project).where(Project.slug == slug, Project.archived_at.is_(None))
    if team_id is not None:
        statement = statement.where(Project.team_id == team_id)
    return (await session.execute(statement.order_by(Project.id).limit(1))).scalars().first()


# -- feedback -----------------------------------------------------------------------------------------

async def record_feedback(session: AsyncSession, *, team_id: str, group: AlertGroup, user_id: str, verdict: str,
                          now: datetime) -> None:
    """A person's latest verdict on a group (pressing again changes it)."""
    statement = insert_for(session, AlertFeedback.__table__).values(
        team_id=team_id, group_id=group.id, source=group.source, rule=group.rule, user_id=user_id,
        verdict=verdict, created_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["group_id", "user_id"],
        set_={"verdict": statement.excluded.verdict, "created_at": statement.excluded.created_at})
    await session.execute(statement)


async def feedback_counts(session: AsyncSession, group_id: int) -> dict[str, int]:
    rows = await session.execute(select(AlertFeedback.verdict, func.count())
                                 .where(AlertFeedback.group_id == group_id).group_by(AlertFeedback.verdict))
    return {verdict: count for verdict, count in rows.all()}


async def count_groups(session: AsyncSession, ids: Sequence[int] | None = None) -> int:
    statement = select(func.count()).select_from(AlertGroup)
    if ids is not None:
        statement = statement.where(AlertGroup.id.in_(ids))
    return (await session.execute(statement)).scalar_one()
