"""A person at the console: who and where they are, what they can press, and the modal they have open.

Everything the bot sends reaches the Slack stand-in; `show_call` prints it and remembers its buttons and
modals. Everything the person does becomes a signed Slack request to the bot's own HTTP endpoint.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.console import slack_requests as slack
from bot.console.directory import Directory
from bot.console.forms import FieldError, initial_text, state_value
from bot.console.render import ButtonRef, Rendered, render_message, render_view
from bot.console.slack_requests import Person, Place
from bot.slack_standin import RecordedCall, SlackStandIn

SHOWN_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.push",
                 "views.update", "views.publish", "response_url", "files.completeUploadExternal"}
SETTLE_TIMEOUT_SECONDS = 5.0


@dataclass
class Pressable:
    button: ButtonRef
    user_id: str | None           # whose screen it is on (None: everyone in the channel)
    place: Place | None = None
    message: dict[str, Any] | None = None
    view: dict[str, Any] | None = None
    ephemeral: bool = False


class ConsoleSession:
    def __init__(self, *, standin: SlackStandIn, events_url: str, signing_secret: str, slash_command: str,
                 out: Callable[[str], None], settle: Callable[[], Any] | None = None,
                 user: str = "you", channel: str = "general", directory: Directory | None = None,
                 uploads: Path | None = None):
        self.standin = standin
        self.events_url = events_url
        self.signing_secret = signing_secret
        self.slash_command = slash_command
        self.out = out
        self.settle_outbox = settle
        self.users: dict[str, Person] = {}
        self.places: dict[str, Place] = {}
        self.pressables: dict[int, Pressable] = {}
        self.next_number = 1
        self.modals: dict[str, list[dict[str, Any]]] = {}    # user id -> view stack, bottom first
        self.typed: dict[str, dict[int, str]] = {}           # view id -> field number -> typed text
        self._trigger_owner: dict[str, str] = {}             # trigger id -> who caused it
        self.directory = directory or Directory()
        self.uploads = uploads  # where shared files are written (None: a temporary folder, made when needed)
        # Everyone and every channel of earlier runs exists again, so output names them.
        for name in list(self.directory.people):
            self.person(name)
        for name in list(self.directory.channels):
            self.channel(name)
        self.user = self.person(user)
        self.place = self.channel(channel)
        self.http: aiohttp.ClientSession | None = None
        self.said: tuple[str, dict[str, Any]] | None = None  # (channel, message) of the latest :say
        standin.listen(self.show_call)

    # -- people and channels ---------------------------------------------------

    def person(self, name: str) -> Person:
        name = name.lstrip("@").lower()
        if name not in self.users:
            user_id = self.directory.person_id(name, reserved={self.standin.identity.bot_user_id})
            self.users[name] = Person(user_id, name)
            self.standin.add_user(user_id, name, real_name=name.title())
        return self.users[name]

    def channel(self, name: str) -> Place:
        name = name.lstrip("#").lower()
        if name not in self.places:
            self.places[name] = Place(self.directory.channel_id(name), name)
            self.standin.add_channel(self.places[name].id, name)
        return self.places[name]

    def name_of(self, slack_id_: str) -> str:
        for person in self.users.values():
            if person.id == slack_id_:
                return "@" + person.name
        for place in self.places.values():
            if place.id == slack_id_:
                return "#" + place.name
        if slack_id_ == self.standin.identity.bot_user_id:
            return "@crisp"
        return slack_id_

    def resolve_user(self, typed: str) -> str:
        typed = typed.strip()
        return typed if re.fullmatch(r"[UW][A-Z0-9]+", typed) else self.person(typed).id

    def resolve_channel(self, typed: str) -> str:
        typed = typed.strip()
        return typed if re.fullmatch(r"[CGD][A-Z0-9]+", typed) else self.channel(typed).id

    # -- printing what the bot sent --------------------------------------------

    def show_call(self, call: RecordedCall) -> None:
        if call.method not in SHOWN_METHODS:
            return
        if not call.ok:
            self.out(f"!! Slack refused {call.method}: {call.error} "
                     f"{' '.join((call.response.get('response_metadata') or {}).get('messages', []))}".rstrip())
            return
        args, response = call.args, call.response
        if call.method in ("chat.postMessage", "chat.update"):
            channel = response.get("channel") or args.get("channel")
            message = {**args, **(response.get("message") or {}), "ts": response.get("ts")}
            verb = "edited" if call.method == "chat.update" else "posted"
            where = self._where(channel)
            thread = " (in thread)" if args.get("thread_ts") else ""
            self._print_message(f"{where}{thread} — Crisp {verb}:", message, None, self._place_for(channel))
        elif call.method == "chat.postEphemeral":
            user = args.get("user")
            self._print_message(f"{self._where(args.get('channel'))} — only visible to {self.name_of(user)}:",
                                args, user, self._place_for(args.get("channel")), ephemeral=True)
        elif call.method == "response_url":
            # A message sent back through an interaction's response URL: it replaces what the person saw.
            user = args.get("user")
            updated = " (updated)" if args.get("replace_original") in (True, "true") else ""
            self._print_message(f"{self._where(args.get('channel'))} — only visible to {self.name_of(user)}{updated}:",
                                args, user, self._place_for(args.get("channel")), ephemeral=True)
        elif call.method == "files.completeUploadExternal":
            self._save_files(call)
        elif call.method == "views.publish":
            view = response.get("view") or args.get("view") or {}
            self._print_view(f"App Home of {self.name_of(args.get('user_id'))}:", view, args.get("user_id"))
        else:
            self._track_modal(call)

    def _save_files(self, call: RecordedCall) -> None:
        """A shared file is written out, so the person can open it, and its path printed."""
        if self.uploads is None:
            self.uploads = Path(tempfile.mkdtemp(prefix="crisp-files-"))
        self.uploads.mkdir(parents=True, exist_ok=True)
        comment = call.args.get("initial_comment")
        for shown in call.response.get("files") or []:
            stored = self.standin.files.get(shown.get("id")) or {}
            content = stored.get("content") or b""
            name = re.sub(r"[^A-Za-z0-9._-]+", "-", str(shown.get("name") or "file")).strip("-.") or "file"
            path = _write_new(self.uploads, f"{shown.get('id')}-{name}", content)
            channel = call.args.get("channel_id")
            heading = f"{self._where(channel)} — Crisp shared a file: {shown.get('title') or name}"
            lines = [f"saved to {path} ({len(content):,} bytes)"]
            if comment:
                lines.insert(0, render_message(self.with_names({"text": comment})).text)
            self.out(f"── {heading}\n{_indent(chr(10).join(lines))}")

    def _where(self, channel: str | None) -> str:
        if channel and channel.startswith("D"):
            for person in self.users.values():
                if self.standin.dm_channel_for(person.id) == channel:
                    return f"DM to @{person.name}"
        if channel and channel.startswith(("U", "W")):
            return f"DM to {self.name_of(channel)}"
        return self.name_of(channel or "?")

    def _place_for(self, channel: str | None) -> Place | None:
        for place in self.places.values():
            if place.id == channel:
                return place
        return Place(channel, channel) if channel else None

    def _number(self, rendered: Rendered, **context) -> None:
        for button in rendered.buttons:
            self.pressables[button.number] = Pressable(button, **context)
        if rendered.buttons:
            self.next_number = rendered.buttons[-1].number + 1

    def with_names(self, payload: dict) -> dict:
        """<@U0ALICE> -> <@U0ALICE|alice>: the renderer then shows names as Slack would."""
        def named(match: re.Match) -> str:
            label = self.name_of(match.group(2))
            return f"<{match.group(1)}{match.group(2)}|{label[1:]}>" if label != match.group(2) else match.group(0)

        return json.loads(re.sub(r"<([@#])([UWCGD][A-Z0-9]+)>", named, json.dumps(payload)))

    def _print_message(self, heading: str, message: dict, user_id: str | None, place: Place | None,
                       ephemeral: bool = False) -> None:
        rendered = render_message(self.with_names(message), first_button_number=self.next_number)
        self._number(rendered, user_id=user_id, place=place, message=message, ephemeral=ephemeral)
        self.out(f"── {heading}\n{_indent(rendered.text)}")

    def _print_view(self, heading: str, view: dict, user_id: str | None) -> Rendered:
        rendered = render_view(self.with_names(view), first_button_number=self.next_number)
        self._number(rendered, user_id=user_id, view=view)
        self.out(f"── {heading}\n{_indent(rendered.text)}")
        return rendered

    def _track_modal(self, call: RecordedCall) -> None:
        view = call.response.get("view") or {}
        owner = next((uid for uid, stack in self.modals.items() if any(v.get("id") == view.get("id") for v in stack)),
                     None)
        if call.method == "views.update" and owner:
            stack = self.modals[owner]
            stack[:] = [view if v.get("id") == view.get("id") else v for v in stack]
        else:
            owner = self._trigger_owner.pop(call.args.get("trigger_id"), self.user.id)
            self.modals.setdefault(owner, []).append(view)
        self.show_modal(owner, view)

    def show_modal(self, owner: str, view: dict) -> None:
        rendered = self._print_view(f"modal open for {self.name_of(owner)} "
                                    "(:set N TEXT to fill field N, :submit, :close):", view, owner)
        self.typed.setdefault(view.get("id"), {})
        for number, field in enumerate(rendered.inputs, start=1):
            if number not in self.typed[view.get("id")] and initial_text(field) is not None:
                self.typed[view.get("id")][number] = initial_text(field)

    # -- what the person does --------------------------------------------------

    async def _post(self, body: str, content_type: str) -> tuple[int, str]:
        if self.http is None:
            self.http = aiohttp.ClientSession()
        headers = slack.signed_headers(self.signing_secret, body, content_type=content_type)
        async with self.http.post(self.events_url, data=body.encode(), headers=headers) as response:
            return response.status, await response.text()

    def _trigger(self) -> str:
        trigger_id = slack.new_trigger_id()
        self._trigger_owner[trigger_id] = self.user.id
        self.standin.register_trigger(trigger_id, self.user.id)
        return trigger_id

    async def slash(self, text: str) -> None:
        for name in slack.mentioned_names(text):
            self.person(name)  # the console's workspace has whoever is mentioned, as `:as` would
        escaped = slack.escape_like_slack(text, self.users, self.places)
        status, answer = await self._post(*slack.slash_command(self.slash_command, escaped, self.user, self.place,
                                                                self._trigger()))
        self._show_answer(status, answer)
        await self.settle()

    def _show_answer(self, status: int, answer: str) -> None:
        if status != 200:
            self.out(f"!! the bot answered HTTP {status}: {answer[:300]}")
            return
        if not answer.strip():
            return
        try:
            body = json.loads(answer)
        except ValueError:
            self.out(f"── reply:\n{_indent(answer)}")
            return
        if body.get("response_action") == "errors":
            for block_id, error in (body.get("errors") or {}).items():
                self.out(f"!! {self._field_called(block_id)}: {error}")
            return
        if body.get("text") or body.get("blocks"):
            visibility = "everyone here" if body.get("response_type") == "in_channel" else "only you"
            self._print_message(f"{self.name_of(self.place.id)} — reply visible to {visibility}:", body,
                                self.user.id, self.place, ephemeral=body.get("response_type") != "in_channel")

    def _field_called(self, block_id: str) -> str:
        """How the person knows a field of the open modal: its number and label, not its block id."""
        view = self.current_modal()
        for number, field in enumerate(self.fields(view) if view else (), start=1):
            if field.block_id == block_id:
                return f"field {number} ({field.label})" if field.label else f"field {number}"
        return "the form"

    async def press(self, number: int) -> None:
        pressable = self.pressables.get(number)
        if pressable is None:
            self.out(f"!! there is no button {number}")
            return
        button = pressable.button
        if pressable.user_id not in (None, self.user.id):
            self.out(f"!! button {number} is on {self.name_of(pressable.user_id)}'s screen; use :as first")
            return
        if button.url:
            self.out(f"(opens {button.url} in a browser)")
        action: dict[str, Any] = {"action_id": button.action_id, "block_id": button.block_id,
                                  "type": button.kind, "text": {"type": "plain_text", "text": button.label}}
        if button.kind == "overflow":
            action["selected_option"] = {"text": {"type": "plain_text", "text": button.label}, "value": button.value}
        elif button.value is not None:
            action["value"] = button.value
        payload = slack.block_action(self.user, action, self._trigger(), place=pressable.place,
                                     message=pressable.message, view=pressable.view, ephemeral=pressable.ephemeral)
        if "response_url" in payload and pressable.place is not None:
            payload["response_url"] = self.standin.response_url(pressable.place.id, self.user.id)
        status, answer = await self._post(*slack.interactive(payload))
        self._show_answer(status, answer)
        await self.settle()

    def current_modal(self) -> dict | None:
        stack = self.modals.get(self.user.id) or []
        return stack[-1] if stack else None

    def fields(self, view: dict):
        return render_view(view).inputs

    async def set_field(self, number: int, text: str) -> None:
        view = self.current_modal()
        if view is None:
            self.out("!! no modal is open")
            return
        fields = self.fields(view)
        if not 1 <= number <= len(fields):
            self.out(f"!! the modal has fields 1 to {len(fields)}")
            return
        try:
            state_value(fields[number - 1], text, self.resolve_user, self.resolve_channel)
        except FieldError as exc:
            self.out(f"!! {exc}")
            return
        self.typed.setdefault(view.get("id"), {})[number] = text
        self.out(f"field {number} ({fields[number - 1].label}) = {text}")

    async def submit(self) -> None:
        view = self.current_modal()
        if view is None:
            self.out("!! no modal is open")
            return
        typed = self.typed.get(view.get("id"), {})
        values: dict[str, dict[str, Any]] = {}
        for number, field in enumerate(self.fields(view), start=1):
            values.setdefault(field.block_id, {})[field.action_id] = state_value(
                field, typed.get(number), self.resolve_user, self.resolve_channel)
        payload = slack.view_submission(self.user, view, values, self._trigger())
        status, answer = await self._post(*slack.interactive(payload))
        self._apply_submission_answer(status, answer)
        await self.settle()

    def _apply_submission_answer(self, status: int, answer: str) -> None:
        stack = self.modals.get(self.user.id, [])
        body: dict[str, Any] = {}
        if status == 200 and answer.strip():
            try:
                body = json.loads(answer)
            except ValueError:
                body = {}
        action = body.get("response_action")
        if status != 200:
            self.out(f"!! the bot answered HTTP {status}: {answer[:300]}")
        elif action == "errors":
            self._show_answer(status, answer)
        elif action in ("update", "push"):
            view = {**body.get("view", {}), "id": body.get("view", {}).get("id") or f"VCONSOLE{len(stack)}"}
            if action == "update" and stack:
                stack[-1] = view
            else:
                stack.append(view)
            self.show_modal(self.user.id, view)
        elif action == "clear":
            stack.clear()
            self.out("(all modals closed)")
        else:
            if stack:
                stack.pop()
            self.out("(modal closed)" if not stack else "(back to the previous modal)")

    async def close_modal(self) -> None:
        stack = self.modals.get(self.user.id, [])
        if not stack:
            self.out("!! no modal is open")
            return
        stack.pop()
        self.out("(modal closed)")

    async def event(self, event_body: dict[str, Any]) -> None:
        status, answer = await self._post(*slack.event(event_body, bot_user_id=self.standin.identity.bot_user_id))
        if status != 200:
            self.out(f"!! the bot answered HTTP {status}: {answer[:300]}")
        await self.settle()

    async def open_home(self) -> None:
        await self.event({"type": "app_home_opened", "user": self.user.id, "channel": f"D{self.user.id}",
                          "tab": "home"})

    async def invite_bot(self) -> None:
        await self.event({"type": "member_joined_channel", "user": self.standin.identity.bot_user_id,
                          "channel": self.place.id, "channel_type": "C", "team": slack.TEAM_ID,
                          "inviter": self.user.id})

    async def join(self) -> None:
        await self.event({"type": "member_joined_channel", "user": self.user.id, "channel": self.place.id,
                          "channel_type": "C", "team": slack.TEAM_ID})

    async def say(self, text: str) -> None:
        """A message the person posts in the channel (so a message shortcut has something to work on)."""
        self.said = (self.place.id, self.standin.post_as(self.user.id, self.place.id, text))
        self.out(f"── {self._where(self.place.id)} — @{self.user.name} posted:\n{_indent(text)}")

    async def shortcut(self, callback_id: str) -> None:
        """Use a message shortcut on the latest message posted with :say in this channel."""
        if self.said is None or self.said[0] != self.place.id:
            self.out("!! say something here first (:say TEXT); the shortcut works on that message")
            return
        payload = slack.message_action(self.user, self.place, self.said[1], callback_id, self._trigger())
        status, answer = await self._post(*slack.interactive(payload))
        self._show_answer(status, answer)
        await self.settle()

    async def settle(self) -> None:
        """Let the outbox deliver what this action queued, so output follows the action that caused it."""
        if self.settle_outbox is None:
            return
        try:
            await asyncio.wait_for(self.settle_outbox(), SETTLE_TIMEOUT_SECONDS)
        except TimeoutError:
            self.out("(still sending in the background; it will appear when Slack takes it)")

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()


def _write_new(folder: Path, name: str, content: bytes) -> Path:
    """Writes `content` under `name` in `folder`, or under `name` with -2, -3 … before its suffix when a file
    of that name is there already: the stand-in numbers files afresh in every run, and an earlier run's file
    is kept, never overwritten."""
    base = path = folder / name
    number = 1
    while True:
        try:
            with path.open("xb") as handle:
                handle.write(content)
            return path
        except FileExistsError:
            number += 1
            path = base.with_name(f"{base.stem}-{number}{base.suffix}")


def _indent(text: str) -> str:
    return "\n".join("   " + line if line else "" for line in text.splitlines())
