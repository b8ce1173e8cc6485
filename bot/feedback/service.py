"""Storing feedback on the model's predictions, from `feedback TEXT` or the message shortcut "Send as model
feedback": one transaction writes the row, its audit entry and the channel's short announcement. Any team
member may give it (contract §3); a shortcut's quoted message is stored once per project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.errors import UserError
from bot.permissions import Action, Caller
from bot.services import Services
from bot.text import clean_text, require_length, typed_text, unescape_slack
from bot.views import feedback as views
from storage.queries import audit, projects, team
from storage.queries import feedback as rows
from storage.tables import Feedback, Project

TEXT_LIMIT = 4000  # feedback.text
# The same words from the same person this soon again: Slack's retry of the command, stored once.
REPEAT_WINDOW = timedelta(minutes=10)


class NoProjectHere(UserError):
    """The shortcut was used in a channel no active project is bound to."""


@dataclass(frozen=True)
class Given:
    feedback: Feedback
    new: bool  # False: this very feedback was stored before (a retry, the shortcut used twice)


async def from_command(services: Services, caller: Caller, project: Project, args: str) -> Given:
    """`feedback TEXT`."""
    caller.require(Action.CONTRIBUTE)
    text = require_length(typed_text(args), TEXT_LIMIT, "Feedback")
    if not text:
        raise UserError(views.NO_TEXT, hint=views.usage(services.settings.slash_command))
    now = services.clock.now()
    async with services.db.transaction() as session:
        earlier = await rows.same_lately(session, project.id, caller.user_id, text, since=now - REPEAT_WINDOW)
        if earlier is not None:
            return Given(earlier, new=False)
        feedback = await rows.add(session, Feedback(team_id=project.team_id, project_id=project.id, text=text,
                                                    author=caller.user_id, created_at=now, source="command"))
        await _announce(services, session, project, feedback)
    return Given(feedback, new=True)


async def from_message(services: Services, *, team_id: str, user_id: str, channel_id: str, message_ts: str,
                       message_text: str) -> tuple[Project, Given]:
    """The message shortcut on a message in `channel_id`: its text becomes feedback for that channel's
    project. Slack may send the same shortcut again; the message is stored once."""
    text = clean_text(unescape_slack(message_text or "")).strip()
    now = services.clock.now()
    async with services.db.transaction() as session:
        project = await projects.active_in_channel(session, team_id, channel_id) if channel_id else None
        if project is None:
            raise NoProjectHere(views.NO_PROJECT_FOR_SHORTCUT)
        roles = await team.roles_of(session, project.id, user_id)
        Caller(team_id=team_id, user_id=user_id, is_admin=services.is_admin(user_id),
               roles=roles).require(Action.CONTRIBUTE)
        if not text:
            raise UserError(views.EMPTY_MESSAGE)
        if len(text) > TEXT_LIMIT:
            raise UserError(views.too_long(len(text), TEXT_LIMIT))
        if not message_ts:
            raise UserError(views.EMPTY_MESSAGE)
        stored = await rows.add(session, Feedback(team_id=team_id, project_id=project.id, text=text, author=user_id,
                                                  created_at=now, source="shortcut", message_channel=channel_id,
                                                  message_ts=message_ts))
        if stored is None:
            return project, Given(await rows.of_message(session, project.id, channel_id, message_ts), new=False)
        await _announce(services, session, project, stored)
        await services.outbox.ephemeral(session, team_id, channel_id, user_id, views.stored_privately(stored),
                                        requested_by=user_id)
    return project, Given(stored, new=True)


async def _announce(services: Services, session, project: Project, feedback: Feedback) -> None:
    await audit.record(session, team_id=project.team_id, project_id=project.id, actor_id=feedback.author,
                       action="feedback.given", now=feedback.created_at, feedback=feedback.id, source=feedback.source)
    await services.outbox.post(session, project.team_id, project.channel_id, views.announcement(feedback),
                               key=f"feedback:{feedback.id}", requested_by=feedback.author)
