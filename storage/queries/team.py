"""Role assignments and stakeholders: who holds what in a project now, and how it got there."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, bindparam, cast, literal, null, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import RoleAssignment, Stakeholder

ROLES = RoleAssignment.__table__
STAKEHOLDERS = Stakeholder.__table__


# Built once: every command reads the caller's roles, and building a statement costs about as much as
# running it on SQLite.
_ROLES_OF = select(ROLES.c.role).where(ROLES.c.project_id == bindparam("project_id", type_=Integer),
                                       ROLES.c.user_id == bindparam("user_id", type_=String),
                                       ROLES.c.removed_at.is_(None))


async def roles_of(session: AsyncSession, project_id: int, user_id: str) -> frozenset[str]:
    """The roles `user_id` holds in the project now."""
    result = await session.execute(_ROLES_OF, {"project_id": project_id, "user_id": user_id})
    return frozenset(result.scalars())


async def current_holders(session: AsyncSession, project_id: int) -> list[tuple[str, str]]:
    """(role, user_id) for every role held in the project now, oldest assignment first."""
    return (await holders_in(session, [project_id]))[project_id]


async def holders_in(session: AsyncSession, project_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """`current_holders` of each of `project_ids` (one statement; a project with no one holds [])."""
    held: dict[int, list[tuple[str, str]]] = {project_id: [] for project_id in project_ids}
    if not project_ids:
        return held
    statement = (select(ROLES.c.project_id, ROLES.c.role, ROLES.c.user_id)
                 .where(ROLES.c.project_id.in_(held), ROLES.c.removed_at.is_(None))
                 .order_by(ROLES.c.id))
    for project_id, role, user_id in (await session.execute(statement)).all():
        held[project_id].append((role, user_id))
    return held


async def current_assignment(session: AsyncSession, project_id: int, user_id: str,
                             role: str) -> RoleAssignment | None:
    statement = select(RoleAssignment).where(
        RoleAssignment.project_id == project_id, RoleAssignment.user_id == user_id, RoleAssignment.role == role,
        RoleAssignment.removed_at.is_(None))
    return (await session.execute(statement)).scalars().first()


async def end_assignment(session: AsyncSession, assignment_id: int, *, actor_id: str, now: datetime) -> bool:
    """Mark an assignment as ended (rows are never deleted); False when someone ended it first."""
    result = await session.execute(
        update(RoleAssignment)
        .where(RoleAssignment.id == assignment_id, RoleAssignment.removed_at.is_(None))
        .values(removed_at=now, removed_by=actor_id)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


async def current_stakeholder(session: AsyncSession, project_id: int, user_id: str) -> Stakeholder | None:
    statement = select(Stakeholder).where(Stakeholder.project_id == project_id, Stakeholder.user_id == user_id,
                                          Stakeholder.removed_at.is_(None))
    return (await session.execute(statement)).scalars().first()


async def end_stakeholder(session: AsyncSession, stakeholder_id: int, *, actor_id: str, now: datetime) -> bool:
    result = await session.execute(
        update(Stakeholder)
        .where(Stakeholder.id == stakeholder_id, Stakeholder.removed_at.is_(None))
        .values(removed_at=now, removed_by=actor_id)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


@dataclass(frozen=True)
class TeamEvent:
    """One change to the team: kind is role-added, role-removed, stakeholder-added or stakeholder-removed."""

    kind: str
    user_id: str
    role: str | None
    actor_id: str
    at: datetime
    row_id: int


@dataclass(frozen=True)
class TeamSnapshot:
    holders: list[tuple[str, str]]     # (role, user_id), oldest assignment first
    stakeholders: list[str]            # user ids with a stakeholder row (sponsors are among holders)
    history: list[TeamEvent]           # newest first

    def roles_held(self) -> set[str]:
        return {role for role, _ in self.holders}

    def roles_of(self, user_id: str) -> list[str]:
        return [role for role, holder in self.holders if holder == user_id]


PROJECT = bindparam("project_id", type_=Integer)


def _row(kind: str, table, user, role, actor, at, *conditions):
    return select(literal(kind, String).label("kind"), user.label("user_id"), role.label("role"),
                  actor.label("actor"), at.label("at"), table.c.id.label("row_id")).where(*conditions)


def _recent(kind: str, table, user, role, actor, at, limit: int, *conditions):
    """The `limit` newest rows of one kind of event (a subquery, so each part of the union orders itself)."""
    inner = (_row(kind, table, user, role, actor, at, table.c.project_id == PROJECT, *conditions)
             .order_by(at.desc(), table.c.id.desc()).limit(limit).subquery())
    return select(*inner.c)


@functools.cache
def _snapshot_statement(history: int):
    """Built once per history length: building a union of subqueries costs more than running it."""
    no_role = cast(null(), String)
    parts = [
        _row("role", ROLES, ROLES.c.user_id, ROLES.c.role, ROLES.c.assigned_by, ROLES.c.assigned_at,
             ROLES.c.project_id == PROJECT, ROLES.c.removed_at.is_(None)),
        _row("stakeholder", STAKEHOLDERS, STAKEHOLDERS.c.user_id, no_role, STAKEHOLDERS.c.added_by,
             STAKEHOLDERS.c.added_at, STAKEHOLDERS.c.project_id == PROJECT, STAKEHOLDERS.c.removed_at.is_(None)),
    ]
    if history:
        parts += [
            _recent("role-added", ROLES, ROLES.c.user_id, ROLES.c.role, ROLES.c.assigned_by, ROLES.c.assigned_at,
                    history),
            _recent("role-removed", ROLES, ROLES.c.user_id, ROLES.c.role, ROLES.c.removed_by, ROLES.c.removed_at,
                    history, ROLES.c.removed_at.is_not(None)),
            _recent("stakeholder-added", STAKEHOLDERS, STAKEHOLDERS.c.user_id, no_role, STAKEHOLDERS.c.added_by,
                    STAKEHOLDERS.c.added_at, history),
            _recent("stakeholder-removed", STAKEHOLDERS, STAKEHOLDERS.c.user_id, no_role,
                    STAKEHOLDERS.c.removed_by, STAKEHOLDERS.c.removed_at, history,
                    STAKEHOLDERS.c.removed_at.is_not(None)),
        ]
    return union_all(*parts)


async def snapshot(session: AsyncSession, project_id: int, *, history: int = 0) -> TeamSnapshot:
    """Who holds which role now, the stakeholders, and the `history` newest team changes: one statement,
    Core rows (this sits on the read path of `status`, `roles` and `phase`)."""
    rows = (await session.execute(_snapshot_statement(history), {"project_id": project_id})).all()
    holders = sorted(((r.row_id, r.role, r.user_id) for r in rows if r.kind == "role"))
    stakeholders = sorted(((r.row_id, r.user_id) for r in rows if r.kind == "stakeholder"))
    events = [TeamEvent(r.kind, r.user_id, r.role, r.actor, r.at, r.row_id)
              for r in rows if r.kind not in ("role", "stakeholder")]
    # Newest first; at the same moment a removal follows its own assignment.
    events.sort(key=lambda e: (e.at, e.row_id, e.kind.endswith("removed")), reverse=True)
    return TeamSnapshot(holders=[(role, user_id) for _, role, user_id in holders],
                        stakeholders=[user_id for _, user_id in stakeholders], history=events[:history])


@dataclass(frozen=True)
class Membership:
    """A project someone belongs to: the roles they hold there, and whether they are a stakeholder."""

    project_id: int
    roles: tuple[str, ...]
    stakeholder: bool


async def memberships(session: AsyncSession, team_id: str, user_id: str) -> dict[int, Membership]:
    """Every project where `user_id` holds a role or is a stakeholder now, by project id."""
    no_role = cast(null(), String)
    statement = union_all(
        select(ROLES.c.project_id, ROLES.c.role, ROLES.c.id).where(
            ROLES.c.team_id == team_id, ROLES.c.user_id == user_id, ROLES.c.removed_at.is_(None)),
        select(STAKEHOLDERS.c.project_id, no_role, STAKEHOLDERS.c.id).where(
            STAKEHOLDERS.c.team_id == team_id, STAKEHOLDERS.c.user_id == user_id,
            STAKEHOLDERS.c.removed_at.is_(None)),
    )
    roles: dict[int, list[tuple[int, str]]] = {}
    stakes: set[int] = set()
    for project_id, role, row_id in (await session.execute(statement)).all():
        if role is None:
            stakes.add(project_id)
        else:
            roles.setdefault(project_id, []).append((row_id, role))
    return {project_id: Membership(project_id, tuple(role for _, role in sorted(roles.get(project_id, []))),
                                   project_id in stakes)
            for project_id in {*roles, *stakes}}


async def roles_held_in(session: AsyncSession, project_ids: list[int]) -> dict[int, set[str]]:
    """The roles held now in each of `project_ids` (one statement)."""
    if not project_ids:
        return {}
    statement = select(ROLES.c.project_id, ROLES.c.role).where(ROLES.c.project_id.in_(project_ids),
                                                               ROLES.c.removed_at.is_(None))
    held: dict[int, set[str]] = {project_id: set() for project_id in project_ids}
    for project_id, role in (await session.execute(statement)).all():
        held[project_id].add(role)
    return held
