"""Refusals that say who may act *here*: the roles allowed, and who holds them in this project (or, when
nobody does, which admins to ask). The dispatcher and any button or form handler that meets `Refused` for a
project use `refusal_text`."""

from __future__ import annotations

import logging

from sqlalchemy import Row

from bot.errors import Refused
from bot.permissions import ALLOWED_ROLES
from bot.services import Services
from bot.views.mrkdwn import user
from bot.views.team import role_title
from storage.db import DatabaseBusy
from storage.queries import team
from storage.tables import Project

log = logging.getLogger(__name__)
NAMED_AT_MOST = 8


def holders_sentence(refused: Refused, holders: list[tuple[str, str]], admins: tuple[str, ...]) -> str:
    """The sentence that follows the refusal: who holds the allowed roles in the project."""
    allowed = ALLOWED_ROLES.get(refused.action) if refused.action is not None else None
    if allowed is None:
        return ""
    chosen = [(role, holder) for role, holder in holders if not allowed or role in allowed]
    if chosen:
        by_person: dict[str, list[str]] = {}
        for role, holder in chosen:
            by_person.setdefault(holder, []).append(in_sentence(role_title(role)))
        named = [f"{user(holder)} ({', '.join(roles)})" for holder, roles in by_person.items()]
        shown = named[:NAMED_AT_MOST]
        if len(named) > NAMED_AT_MOST:
            shown.append(f"{len(named) - NAMED_AT_MOST} more")
        listing = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        return f"Here that is {listing}."
    nobody = "Nobody holds those roles here yet" if allowed else "Nobody holds a role here yet"
    if admins:
        return f"{nobody}: ask an admin ({', '.join(user(a) for a in admins[:NAMED_AT_MOST])})."
    return f"{nobody}, and no Crisp admin is set (`CRISP_ADMINS`)."


def in_sentence(title: str) -> str:
    """"Product owner" -> "product owner", keeping "ML", "QA" and "DevOps" as they are."""
    return " ".join(word.lower() if word[1:].islower() else word for word in title.split())


async def refusal_text(services: Services, refused: Refused, project: Project | Row | int | None) -> str:
    """The refusal's message with the holders named in `project` (a Project, a row with its columns, or its
    id); as it was when the project or the database cannot say."""
    project_id = project if isinstance(project, int) else getattr(project, "id", None)
    if not isinstance(project_id, int) or refused.action is None:
        return refused.message
    try:
        async with services.db.read() as session:
            holders = await team.current_holders(session, project_id)
    except DatabaseBusy:
        log.warning("refusal answered without naming the holders: database busy")
        return refused.message
    sentence = holders_sentence(refused, holders, services.settings.crisp_admins)
    return f"{refused.message} {sentence}" if sentence else refused.message
