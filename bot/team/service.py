"""Roles, stakeholders and the project's objective. Each change is one transaction: the change, its audit
row and its channel announcement (outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crisp_dm import Role
from bot.errors import FormErrors, Refused, UserError
from bot.permissions import PROJECT_LEADS, Action, Caller
from bot.services import Services
from bot.text import clean_text, require_length, typed_text
from bot.views import team as views
from storage.queries import audit, team
from storage.queries import lifecycle as lifecycle_rows
from storage.tables import Project, RoleAssignment, Stakeholder

OBJECTIVE_LIMIT = views.OBJECTIVE_LIMIT
OBJECTIVE_COLUMNS = ("goal", "success_metric")
# What Slack resolved in slash text (`<@U1|ann>`, `<!here>`, `<#C1|x>`, `<https://x|y>`): kept as the words
# the person typed, never as a live token.


async def assign(session: AsyncSession, *, team_id: str, project_id: int, user_id: str, role: str, actor_id: str,
                 now: datetime) -> RoleAssignment:
    """Store and audit one assignment (the caller announces it)."""
    row = RoleAssignment(team_id=team_id, project_id=project_id, user_id=user_id, role=role, assigned_by=actor_id,
                         assigned_at=now)
    session.add(row)
    await session.flush()
    await audit.record(session, team_id=team_id, project_id=project_id, actor_id=actor_id, action="role.added",
                       now=now, user=user_id, role=role, assignment=row.id)
    return row


async def require_person(services: Services, team_id: str, user_id: str) -> None:
    """Crisp itself and Slackbot hold no role and read no digest: they would only hide a gap."""
    if user_id == "USLACKBOT" or user_id == await services.bot_user_for(team_id):
        raise UserError("That is a bot, not a person: name someone from the team.")


async def add_role(services: Services, caller: Caller, project: Project, user_id: str, role: Role) -> None:
    caller.require(Action.MANAGE_TEAM)
    await require_person(services, project.team_id, user_id)
    try:
        async with services.db.transaction() as session:
            if await team.current_assignment(session, project.id, user_id, role) is not None:
                raise UserError(views.already_holds(user_id, role))
            now = services.clock.now()
            row = await assign(session, team_id=project.team_id, project_id=project.id, user_id=user_id, role=role,
                               actor_id=caller.user_id, now=now)
            snapshot = await team.snapshot(session, project.id)
            await services.outbox.post(
                session, project.team_id, project.channel_id,
                views.role_added_announcement(project, user_id, role, caller.user_id, snapshot),
                key=f"role:{row.id}:added", requested_by=caller.user_id)
    except IntegrityError:
        # The same assignment was made a moment ago by someone else.
        raise UserError(views.already_holds(user_id, role)) from None


async def remove_role(services: Services, caller: Caller, project: Project, user_id: str, role: Role) -> None:
    caller.require(Action.MANAGE_TEAM)
    async with services.db.transaction() as session:
        # Locked (PostgreSQL; SQLite has one writer), so two leads removing each other cannot both pass
        # the last-lead check below.
        await lifecycle_rows.lock_project(session, project.id)
        row = await team.current_assignment(session, project.id, user_id, role)
        now = services.clock.now()
        if row is None or not await team.end_assignment(session, row.id, actor_id=caller.user_id, now=now):
            held = sorted(await team.roles_of(session, project.id, user_id))
            raise UserError(views.does_not_hold(user_id, role, held))
        if role.value in PROJECT_LEADS and not caller.is_admin:
            leads_left = {holder for held_role, holder in await team.current_holders(session, project.id)
                          if held_role in PROJECT_LEADS}
            if not leads_left:
                # Nobody could manage the project afterwards (only an admin could undo it).
                raise UserError(views.last_lead(user_id, role))
        await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="role.removed", now=now, user=user_id, role=role.value, assignment=row.id)
        snapshot = await team.snapshot(session, project.id)
        await services.outbox.post(
            session, project.team_id, project.channel_id,
            views.role_removed_announcement(project, user_id, role, caller.user_id, snapshot),
            key=f"role:{row.id}:removed", requested_by=caller.user_id)


async def add_stakeholder(services: Services, caller: Caller, project: Project, user_id: str) -> None:
    caller.require(Action.MANAGE_TEAM)
    await require_person(services, project.team_id, user_id)
    try:
        async with services.db.transaction() as session:
            if await team.current_stakeholder(session, project.id, user_id) is not None:
                raise UserError(views.already_stakeholder(user_id))
            now = services.clock.now()
            row = Stakeholder(team_id=project.team_id, project_id=project.id, user_id=user_id,
                              added_by=caller.user_id, added_at=now)
            session.add(row)
            await session.flush()
            await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                               action="stakeholder.added", now=now, user=user_id, stakeholder=row.id)
            await services.outbox.post(session, project.team_id, project.channel_id,
                                       views.stakeholder_added_announcement(project, user_id, caller.user_id),
                                       key=f"stakeholder:{row.id}:added", requested_by=caller.user_id)
    except IntegrityError:
        raise UserError(views.already_stakeholder(user_id)) from None


async def remove_stakeholder(services: Services, caller: Caller, project: Project, user_id: str) -> None:
    caller.require(Action.MANAGE_TEAM)
    async with services.db.transaction() as session:
        row = await team.current_stakeholder(session, project.id, user_id)
        now = services.clock.now()
        if row is None or not await team.end_stakeholder(session, row.id, actor_id=caller.user_id, now=now):
            sponsor = Role.SPONSOR in await team.roles_of(session, project.id, user_id)
            raise UserError(views.not_a_stakeholder(user_id, sponsor=sponsor))
        await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="stakeholder.removed", now=now, user=user_id, stakeholder=row.id)
        await services.outbox.post(session, project.team_id, project.channel_id,
                                   views.stakeholder_removed_announcement(project, user_id, caller.user_id),
                                   key=f"stakeholder:{row.id}:removed", requested_by=caller.user_id)


def objective_from_command(text: str, column: str) -> str:
    """Slash text for the goal or metric: Slack's tokens become the words typed, unescaped once, one line."""
    text = typed_text(text)
    return _checked(text, column)


def objective_from_form(values: dict[str, str | None]) -> dict[str, str | None]:
    """The form's fields (column -> what was typed), cleaned; an empty field clears its column."""
    cleaned: dict[str, str | None] = {}
    errors = {}
    for column, text in values.items():
        text = clean_text(text).strip()
        if len(text) > OBJECTIVE_LIMIT:
            errors[column] = (f"Keep the {views.OBJECTIVE_FIELDS[column]} to {OBJECTIVE_LIMIT} characters "
                              f"(this one has {len(text)}).")
        cleaned[column] = text or None
    if errors:
        raise FormErrors(errors)
    return cleaned


async def set_objective_from_form(services: Services, *, team_id: str, user_id: str, project_id: int | None,
                                  values: dict[str, str | None]) -> dict[str, str | None]:
    """The objective form's submission: who submitted it is checked against the roles stored now."""
    cleaned = objective_from_form(values)
    async with services.db.read() as session:
        project = await session.get(Project, project_id) if isinstance(project_id, int) else None
        if project is None or project.archived_at is not None or project.team_id != team_id:
            raise UserError("This project is archived or gone; nothing was saved.")
        roles = await team.roles_of(session, project.id, user_id)
    caller = Caller(team_id=team_id, user_id=user_id, is_admin=services.is_admin(user_id), roles=roles)
    try:
        return await set_objective(services, caller, project, cleaned)
    except Refused as exc:
        # A form's error is plain text, where a mention would read "someone": point to `roles` instead.
        raise UserError(f"{exc.message} `{services.settings.slash_command} roles` shows who they are here.") from None


def _checked(text: str, column: str) -> str:
    if not text:
        raise UserError(f"Give the {views.OBJECTIVE_FIELDS[column]} after the command, or leave the text out "
                        "to open a form.")
    return require_length(text, OBJECTIVE_LIMIT, f"The {views.OBJECTIVE_FIELDS[column]}")


async def set_objective(services: Services, caller: Caller, project: Project,
                        values: dict[str, str | None]) -> dict[str, str | None]:
    """Store the goal and/or success metric (`values`: column -> text, None clears). Returns what changed
    (nothing when the text is what is stored: a resubmitted form announces nothing twice)."""
    caller.require(Action.SET_OBJECTIVE)
    async with services.db.transaction() as session:
        # Locked (PostgreSQL; SQLite has one writer): copies of one submission change and announce once.
        current = await session.get(Project, project.id, populate_existing=True, with_for_update=True)
        if current is None or current.archived_at is not None:
            raise UserError("This project is archived; its goal and metric stay as they were.")
        changed = {column: text for column, text in values.items() if getattr(current, column) != text}
        if not changed:
            return {}
        now = services.clock.now()
        await session.execute(update(Project).where(Project.id == project.id).values(**changed)
                              .execution_options(synchronize_session=False))
        await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=caller.user_id,
                           action="project.objective", now=now, **changed)
        await services.outbox.post(session, project.team_id, project.channel_id,
                                   views.objective_announcement(current, changed, caller.user_id),
                                   requested_by=caller.user_id)
    return changed
