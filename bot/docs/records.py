"""Submitting a phase's record from its form: checked (required fields, lengths, the link), stored as the
next version, announced in the channel, and every open request for that record closed (the DMs that asked
for it say so). Anyone on the team, or anyone asked, may submit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.alerts.formats.common import safe_url
from bot.crisp_dm import Phase
from bot.docs.fields import FIELD_LIMIT, FIELDS, LINK_LIMIT
from bot.docs.requests import ask_key
from bot.errors import UserError
from bot.services import Services
from bot.text import clean_text
from bot.views import carried
from bot.views import docs as views
from storage.queries import audit, lifecycle, team
from storage.queries import docs as rows
from storage.tables import DocRecord, Project

NOT_OURS = "That button is not one of Crisp's; nothing changed."


class FormErrors(UserError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Target:
    """Which record a button or form is about, as carried in its value."""

    project_id: int
    phase: Phase
    iteration: int


def target_of(data: dict[str, Any]) -> Target | None:
    """A button's value or a form's metadata ({"p", "ph", "i"}), read strictly; None when it is not ours."""
    project_id, iteration = carried.row_id(data.get("p")), carried.row_id(data.get("i"))
    try:
        phase = Phase(data.get("ph"))
    except ValueError:
        return None
    if project_id is None or iteration is None:
        return None
    return Target(project_id, phase, iteration)


@dataclass(frozen=True)
class FormContext:
    project: Project
    target: Target
    latest: DocRecord | None


def cleaned(phase: Phase, values: dict[str, Any]) -> tuple[dict[str, str], str | None]:
    """The form's fields (key -> text as typed, without control characters) and the link; FormErrors
    naming each field that cannot be stored. Empty optional fields are left out."""
    fields, errors = {}, {}
    for field in FIELDS[phase]:
        raw = values.get(field.key)
        text = clean_text(raw if isinstance(raw, str) else "").strip()
        if len(text) > FIELD_LIMIT:
            errors[field.key] = f"Keep it to {FIELD_LIMIT:,} characters (this has {len(text):,})."
        elif not text and field.required:
            errors[field.key] = f"{field.label} is needed for the {phase.title} record."
        elif text:
            fields[field.key] = text
    raw_link = values.get("link")
    typed = clean_text(raw_link if isinstance(raw_link, str) else "", single_line=True)
    link = safe_url(typed)
    if typed and (link is None or len(link) > LINK_LIMIT):
        errors["link"] = f"Give a web address starting with http:// or https:// (up to {LINK_LIMIT} characters)."
    if errors:
        raise FormErrors(errors)
    return fields, link


async def may_write(session: AsyncSession, services: Services, project_id: int, phase: str, iteration: int,
                    user_id: str) -> bool:
    """The team (any role), admins, and whoever an open request asked."""
    if services.is_admin(user_id) or await team.roles_of(session, project_id, user_id):
        return True
    return any(entry.get("user") == user_id for request in await rows.open_requests(session, project_id, phase,
                                                                                     iteration)
               for entry in request.asked if isinstance(entry, dict))


async def form_context(services: Services, session: AsyncSession, team_id: str, user_id: str,
                       target: Target | None) -> FormContext:
    """What the form shows; UserError when it is not ours or this person may not write it."""
    if target is None:
        raise UserError(NOT_OURS)
    project = await lifecycle.active_project(session, target.project_id)
    if project is None:
        raise UserError("That project is archived (or gone); its records no longer change.")
    if project.team_id != team_id or target.iteration > project.iteration:
        raise UserError(NOT_OURS)
    if not await may_write(session, services, project.id, target.phase.value, target.iteration, user_id):
        raise UserError("Only the project's team (anyone holding a role) writes its documentation.")
    latest = await rows.latest_record(session, project.id, target.phase.value, target.iteration)
    return FormContext(project, target, latest)


async def submit(services: Services, *, team_id: str, user_id: str, target: Target | None,
                 values: dict[str, Any]) -> DocRecord:
    """Stores the next version; a submission racing another for the same version number tries once more."""
    if target is None:
        raise UserError(NOT_OURS)
    fields, link = cleaned(target.phase, values)
    for attempt in range(2):
        try:
            return await _store(services, team_id, user_id, target, fields, link)
        except IntegrityError:
            if attempt:
                raise UserError("Someone submitted this record at the same moment; send it again.") from None
    raise AssertionError("unreachable")


async def _store(services: Services, team_id: str, user_id: str, target: Target, fields: dict[str, str],
                 link: str | None) -> DocRecord:
    now = services.clock.now()
    async with services.db.transaction() as session:
        context = await form_context(services, session, team_id, user_id, target)
        project, phase = context.project, target.phase.value
        waiting = await rows.open_requests(session, project.id, phase, target.iteration)
        record = await rows.add_record(session, DocRecord(
            team_id=project.team_id, project_id=project.id, phase=phase, iteration=target.iteration,
            version=(context.latest.version if context.latest else 0) + 1, fields=fields, link=link,
            author=user_id, submitted_at=now, request_id=waiting[0].id if waiting else None))
        closed = await rows.close(session, [request.id for request in waiting], record_id=record.id, now=now)
        await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=user_id,
                           action="docs.submitted", now=now, record=record.id, phase=phase,
                           iteration=target.iteration, version=record.version, closed=closed)
        await services.outbox.post(session, project.team_id, project.channel_id,
                                   views.record_announcement(project, record), key=f"docs:record:{record.id}",
                                   requested_by=user_id)
        answered = views.answered_prompt(project, record)
        for request in waiting:
            if request.id not in closed:
                continue
            for entry in request.asked:
                if isinstance(entry, dict) and isinstance(entry.get("user"), str):
                    await services.outbox.update(session, project.team_id, ask_key(request.id, entry["user"]),
                                                 answered)
        return record
