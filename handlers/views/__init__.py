"""Modal submissions: field errors go back in the ack, so the modal stays open."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.errors import UserError
from bot.permissions import Caller
from bot.projects import service
from bot.projects.naming import NameRefused, NameSource
from bot.services import Services
from bot.views import projects as views
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views.mrkdwn import to_plain
from bot.views import carried
from handlers.views import alerts as alert_views
from handlers.views import checkin_questions as checkin_question_views
from handlers.views import checkins as checkin_views
from handlers.views import docs as doc_views
from handlers.views import phase as views_phase
from handlers.views import team as team_views


def _metadata(view: dict) -> dict:
    return carried.small_json(view.get("private_metadata"))


def register(app: AsyncApp, services: Services) -> None:
    async def create_project(ack, body, view) -> None:
        values = (view.get("state") or {}).get("values") or {}
        name = ((values.get(BlockId.PROJECT_NAME) or {}).get(InputId.PROJECT_NAME) or {}).get("value") or ""
        user_id = (body.get("user") or {}).get("id") or ""
        team_id = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
        caller = Caller(team_id=team_id, user_id=user_id, is_admin=services.is_admin(user_id))
        channel_id = _metadata(view).get("channel") or ""
        try:
            await service.create_project(services, caller, channel_id, name, source=NameSource.FORM)
        except UserError as exc:
            # Field errors are plain text in the form's words; other refusals lose their mrkdwn.
            wording = exc.in_form if isinstance(exc, NameRefused) else to_plain(exc.message)
            await ack(response_action="errors", errors=views.name_field_error(wording))
            return
        await ack()

    app.view(CallbackId.CREATE_PROJECT)(create_project)
    views_phase.register(app, services)
    team_views.register(app, services)
    alert_views.register(app, services)
    checkin_views.register(app, services)
    doc_views.register(app, services)
    checkin_question_views.register(app, services)
