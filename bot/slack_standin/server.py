"""SlackStandIn: an aiohttp imitation of the Slack Web API (plus Socket Mode).

Point slack-sdk's ``AsyncWebClient(base_url=standin.base_url)`` at it. It records
every call, answers like Slack (including refusals), and can be told to fail or to
withhold an answer, so tests and console mode can run the real bot offline.
"""

from __future__ import annotations

import copy
import logging
import time
from typing import Any, Callable

from aiohttp import web

from .dispatch import answer
from .faults import FaultBook, make_fault
from .limits import RateLimits
from .errors import SlackError
from .methods.chat import read_content
from .methods.files import store_upload
from .methods.views import drop_views
from .records import Hold, RecordedCall
from .request import parse_request
from .socket_mode import SocketModeHub
from .state import Identity, Workspace

logger = logging.getLogger(__name__)

_MAX_BODY_BYTES = 64 * 1024 * 1024  # file uploads go through the same app


class SlackStandIn:
    """One imitated workspace with its own state, call log, faults and server."""

    def __init__(
        self,
        *,
        team_id: str = "T0CRISP",
        team_name: str = "Crisp Test",
        bot_user_id: str = "U0CRISPBOT",
        bot_id: str = "B0CRISPBOT",
        app_id: str = "A0CRISP",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._ws = Workspace(Identity(team_id, team_name, bot_user_id, bot_id, app_id), clock)
        self._faults = FaultBook()
        self._listeners: list[Callable[[RecordedCall], None]] = []
        self._socket = SocketModeHub(app_id)
        self._app: web.Application | None = None
        self._runner: web.AppRunner | None = None
        self.calls: list[RecordedCall] = []
        self.base_url: str | None = None
        self._responses = 0
        self._limits: RateLimits | None = None

    @property
    def identity(self) -> Identity:
        """Team, bot user, bot and app ids of this imitated workspace."""
        return self._ws.identity

    # -- setting the scene ------------------------------------------------
    def add_user(
        self, user_id: str, name: str, *, real_name: str | None = None, tz: str = "UTC", is_bot: bool = False
    ) -> None:
        self._ws.add_user(user_id, name, real_name=real_name, tz=tz, is_bot=is_bot)

    def set_status(self, user_id: str, *, emoji: str = "", text: str = "", expiration: int = 0) -> None:
        """What a person's Slack status says (users.info profile.status_*)."""
        user = self._ws.users[user_id]
        user.status_emoji, user.status_text, user.status_expiration = emoji, text, expiration

    def add_channel(self, channel_id: str, name: str, *, is_private: bool = False, bot_is_member: bool = True) -> None:
        self._ws.add_channel(channel_id, name, is_private=is_private, is_member=bot_is_member)

    def dm_channel_for(self, user_id: str) -> str:
        return self._ws.dm_for(user_id).id

    def response_url(self, channel_id: str, user_id: str) -> str:
        """A response URL like the one Slack sends with an interaction in ``channel_id`` by ``user_id``.
        Posting a message to it is recorded as a call to the pseudo-method ``response_url``."""
        root = (self.base_url or "").removesuffix("api/")
        self._responses += 1
        return f"{root}response/{channel_id}/{user_id}/{self._responses}"

    def register_trigger(self, trigger_id: str, user_id: str) -> None:
        """Tell the stand-in whose interaction a trigger_id came from (valid 3 s, once)."""
        self._ws.register_trigger(trigger_id, user_id)

    # -- misbehaving on cue -----------------------------------------------
    def fail(
        self, method: str, *, status: int = 500, retry_after: int | None = None, error: str | None = None, times: int = 1
    ) -> None:
        """Answer the next ``times`` calls to ``method`` (``"*"`` = any) with this fault."""
        self._faults.add_fault(method, make_fault(status, retry_after, error), times)

    def recover(self) -> None:
        """Drop every queued fault (e.g. after ``fail("*", times=10_000)`` played an outage)."""
        self._faults.clear_faults()

    def enforce_rate_limits(self, limits: RateLimits | None = None) -> RateLimits:
        """From now on answer calls over Slack's limits with 429 + Retry-After (see limits.py)."""
        self._limits = limits or RateLimits()
        return self._limits

    def hold(self, method: str, *, before_apply: bool = False) -> Hold:
        """Withhold the next call to ``method`` until ``release()``: its answer only (the call is applied
        at once), or with ``before_apply`` the whole call (applied on release, or never after ``drop()``)."""
        return self._faults.add_hold(method, before_apply=before_apply)

    def archive_channel(self, channel_id: str) -> None:
        """Archive a channel: Slack then refuses posts to it with ``is_archived``."""
        self._ws.resolve_channel(channel_id, auto_create=True).is_archived = True

    def listen(self, callback: Callable[[RecordedCall], None]) -> None:
        self._listeners.append(callback)

    # -- inspecting -------------------------------------------------------
    def calls_to(self, method: str, *, include_failed: bool = False) -> list[RecordedCall]:
        return [c for c in self.calls if c.method == method and (include_failed or c.ok)]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Current messages (after edits), oldest first; a user id reads the bot's DM with them."""
        if channel[:1] in ("U", "W") and channel in self._ws.users:
            channel = f"D{channel}"
        return copy.deepcopy(self._ws.messages.get(channel, []))

    def ephemerals(self, channel: str, user: str) -> list[dict[str, Any]]:
        return copy.deepcopy(self._ws.ephemerals.get((channel, user), []))

    def open_views(self, user_id: str | None) -> list[dict[str, Any]]:
        """The user's modal stack, bottom first."""
        return [copy.deepcopy(self._ws.views[v]) for v in self._ws.modal_stacks.get(user_id, [])]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        view_id = self._ws.home_views.get(user_id)
        return copy.deepcopy(self._ws.views[view_id]) if view_id else None

    def close_views(self, user_id: str | None) -> None:
        """What the user closing (or submitting) the modal does to the stack."""
        drop_views(self._ws, self._ws.modal_stacks.pop(user_id, []))

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        return self._ws.files

    # -- HTTP -------------------------------------------------------------
    def app(self) -> web.Application:
        if self._app is None:
            app = web.Application(client_max_size=_MAX_BODY_BYTES)
            app.router.add_post("/api/upload/{file_id}", self._handle_upload)
            app.router.add_post("/response/{channel}/{user}/{n}", self._handle_response)
            app.router.add_route("*", "/api/{method}", self._handle_api)
            app.router.add_get("/socket-mode", self._socket.handle)
            app.on_shutdown.append(self._on_shutdown)
            self._app = app
        return self._app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        runner = web.AppRunner(self.app(), shutdown_timeout=1.0, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}/api/"
        logger.info("Slack stand-in listening on %s", self.base_url)
        return self.base_url

    async def stop(self) -> None:
        self._faults.release_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.base_url = None

    async def _on_shutdown(self, app: web.Application) -> None:
        self._faults.release_all()
        await self._socket.close_all()

    # -- Socket Mode ------------------------------------------------------
    async def socket_send(self, envelope_type: str, payload: dict[str, Any], *, timeout: float = 5.0) -> dict[str, Any]:
        return await self._socket.send(envelope_type, payload, timeout=timeout)

    async def wait_socket_connected(self, timeout: float = 5.0) -> None:
        await self._socket.wait_connected(timeout)

    # -- request handling -------------------------------------------------
    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        parsed = await parse_request(request)
        hold = self._faults.take_hold(method)
        if hold is not None and hold.before_apply:
            hold.reached.set()
            await hold.wait_released()
            if hold.dropped:
                canned = make_fault(503, None, None).answer()
                self._record(RecordedCall(method, parsed.args, parsed.token, canned.status, canned.recorded,
                                          self._clock()))
                return web.Response(status=canned.status, text=canned.body, content_type=canned.content_type)
        at = self._clock()
        fault = self._faults.take_fault(method)
        if fault is None and self._limits is not None:
            retry_after = self._limits.check(method, parsed.args, at)
            if retry_after is not None:
                fault = make_fault(429, retry_after, "ratelimited")
        if fault is not None:
            canned = fault.answer()
            response = web.Response(
                status=canned.status, text=canned.body, content_type=canned.content_type, headers=canned.headers
            )
            self._record(RecordedCall(method, parsed.args, parsed.token, canned.status, canned.recorded, at))
        else:
            body = answer(self._ws, method, parsed, _base_url(request))
            response = web.json_response(body)
            self._record(RecordedCall(method, parsed.args, parsed.token, 200, body, at))
        if hold is not None and not hold.before_apply:
            hold.reached.set()
            await hold.wait_released()
        return response

    def _record(self, call: RecordedCall) -> None:
        self.calls.append(call)
        logger.debug("%s -> %s %s", call.method, call.status, call.error or "ok")
        for listener in list(self._listeners):
            try:
                listener(call)
            except Exception:
                logger.exception("stand-in listener failed on %s", call.method)

    async def _handle_response(self, request: web.Request) -> web.Response:
        """A message posted to a response URL: it replaces (or adds to) what the person sees, ephemerally."""
        channel, user = request.match_info["channel"], request.match_info["user"]
        try:
            body = await request.json()
        except ValueError:
            body = None
        at = self._clock()
        if not isinstance(body, dict):
            self._record(RecordedCall("response_url", {"channel": channel, "user": user}, None, 400,
                                      {"ok": False, "error": "invalid_payload"}, at))
            return web.Response(status=400, text="invalid_payload", content_type="text/plain")
        try:
            content = read_content(body)
        except SlackError as exc:
            self._record(RecordedCall("response_url", {**body, "channel": channel, "user": user}, None, 400,
                                      exc.body(), at))
            return web.Response(status=400, text=exc.error, content_type="text/plain")
        message = {"type": "message", "ts": self._ws.next_ts(), "channel": channel, "user":
                   self._ws.identity.bot_user_id, "text": content.pop("text", ""), "blocks": content.pop("blocks", []),
                   **content}
        shown = self._ws.ephemerals.setdefault((channel, user), [])
        if body.get("replace_original") in (True, "true") and shown:
            shown[-1] = message
        else:
            shown.append(message)
        self._record(RecordedCall("response_url", {**body, "channel": channel, "user": user}, None, 200,
                                  {"ok": True}, at))
        return web.Response(text="ok", content_type="text/plain")

    async def _handle_upload(self, request: web.Request) -> web.Response:
        content = await _upload_bytes(request)
        if content is None:
            return web.Response(status=400, text="Bad Request", content_type="text/plain")
        if not store_upload(self._ws, request.match_info["file_id"], content):
            return web.Response(status=404, text="Not Found", content_type="text/plain")
        return web.Response(text=f"OK - {len(content)}", content_type="text/plain")


def _base_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}/api/"


async def _upload_bytes(request: web.Request) -> bytes | None:
    """Raw body (what slack-sdk sends) or the first file part of a multipart form."""
    if request.content_type != "multipart/form-data":
        return await request.read()
    try:
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "filename", None) is not None or getattr(part, "name", None) == "file":
                return bytes(await part.read())  # type: ignore[union-attr]
    except Exception:  # aiohttp raises assorted errors on broken multipart
        return None
    return None

