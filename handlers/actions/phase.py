"""Buttons of the phase card and of the move prompts: tick an item, move anyway, give a reason."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.crisp_dm import Phase
from bot.errors import Refused, UserError
from bot.lifecycle import parsing
from bot.lifecycle import service as lifecycle
from bot.permissions import Action
from bot.services import Services
from bot.team.access import refusal_text
from bot.views import phase as views
from bot.views import replies
from bot.views.ids import ActionId
from bot.views import carried
from handlers.modals import modal_opener
from storage.queries import lifecycle as lifecycle_rows


def _id_of(value: Any) -> str:
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def button_value(body: dict[str, Any]) -> dict[str, Any]:
    """The small JSON a button carries; {} when it is missing or not ours."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    return carried.small_json(first.get("value"))


def _phase(value: Any) -> Phase:
    try:
        return Phase(value)
    except ValueError:
        raise UserError("That button is not one of Crisp's; nothing changed.") from None


def _project_id(data: dict[str, Any]) -> int:
    project_id = carried.row_id(data.get("p"))
    if project_id is None:
        raise UserError("That button is not one of Crisp's; nothing changed.")
    return project_id


class Press:
    """Who pressed what, where, and where the answer goes."""

    def __init__(self, services: Services, body: dict[str, Any]):
        self.services = services
        self.team_id = _id_of(body.get("team")) or _text((body.get("user") or {}).get("team_id"))
        self.user_id = _id_of(body.get("user"))
        container = body.get("container") if isinstance(body.get("container"), dict) else {}
        self.channel_id = _id_of(body.get("channel")) or _text(container.get("channel_id"))
        self.response_url = _text(body.get("response_url"))
        self.trigger_id = _text(body.get("trigger_id")) or None
        self.data = button_value(body)

    @property
    def respond_to(self) -> tuple[str, str]:
        return self.channel_id, self.response_url

    async def tell(self, exc: UserError) -> None:
        """A refusal or error, privately, in a message of its own (the card or prompt stays). A refusal
        names who may act and who that is in the project."""
        text = exc.message
        if isinstance(exc, Refused):
            text = await refusal_text(self.services, exc, carried.row_id(self.data.get("p")))
        message = replies.error(text, hint=exc.hint, slash=self.services.settings.slash_command)
        async with self.services.db.transaction() as session:
            if self.channel_id:
                await self.services.outbox.ephemeral(session, self.team_id, self.channel_id, self.user_id, message,
                                                     requested_by=self.user_id)
            elif self.user_id:  # a press from no channel (App Home, a forged body): a direct message
                await self.services.outbox.post(session, self.team_id, self.user_id, message)


def register(app: AsyncApp, services: Services) -> None:
    async def tick(ack, body) -> None:
        await ack()
        press = Press(services, body)
        try:
            project_id = _project_id(press.data)
            iteration = carried.count(press.data.get("i"))
            if iteration is None or not isinstance(press.data.get("t"), str):
                raise UserError("That button is not one of Crisp's; nothing changed.")
            caller = await lifecycle.caller_in(services, press.team_id, press.user_id, project_id)
            await lifecycle.set_tick(services, caller, project_id, task_key=press.data["t"], iteration=iteration,
                                     ticked=press.data.get("on") is not False, respond_to=press.respond_to)
        except UserError as exc:
            await press.tell(exc)

    async def move_anyway(ack, body) -> None:
        await ack()
        press = Press(services, body)
        try:
            project_id = _project_id(press.data)
            note = press.data.get("note")
            # The note rode in the button as it was cleaned, but a button's value is the sender's to change.
            note = parsing.note_from_form(note) if isinstance(note, str) else None
            request = lifecycle.MoveRequest(_phase(press.data.get("to")), note,
                                            request_key=lifecycle.request_key("act", press.trigger_id),
                                            confirmed=True, expected_phase=_phase(press.data.get("frm")))
            caller = await lifecycle.caller_in(services, press.team_id, press.user_id, project_id)
            outcome = await lifecycle.move(services, caller, project_id, request, respond_to=press.respond_to)
            if isinstance(outcome, lifecycle.NeedsReason):
                await lifecycle.tell(services, press.team_id, press.respond_to,
                                     views.reason_prompt(outcome.project, outcome.target,
                                                         services.settings.slash_command), user_id=press.user_id)
        except UserError as exc:
            await press.tell(exc)

    async def open_reason(ack, body, client) -> None:
        await ack()
        press = Press(services, body)
        try:
            project_id = _project_id(press.data)
            target, seen = _phase(press.data.get("to")), _phase(press.data.get("frm"))
            caller = await lifecycle.caller_in(services, press.team_id, press.user_id, project_id)
            caller.require(Action.CHANGE_PHASE)
            async with services.db.read() as session:
                project = await lifecycle_rows.active_project(session, project_id)
                if project is None:
                    raise UserError("That project is archived; its phase no longer changes.")
                if Phase(project.phase) != seen:
                    raise UserError(f"The project has moved on to *{Phase(project.phase).title}* since; "
                                    "nothing changed.")
                ticks = await lifecycle_rows.ticks(session, project.id, project.iteration)
            view = views.reason_modal(project, target, lifecycle.open_items(seen, ticks), channel_id=press.channel_id,
                                      response_url=press.response_url or None)
            await modal_opener(client, press.trigger_id, before_call=services.db.release_reads)(view)
        except UserError as exc:
            await press.tell(exc)

    app.action(ActionId.PHASE_TICK)(tick)
    app.action(ActionId.PHASE_MOVE_ANYWAY)(move_anyway)
    app.action(ActionId.PHASE_OPEN_REASON)(open_reason)
