"""One log line and one metric per request from Slack, whichever way it arrived (HTTP or Socket Mode)."""

from __future__ import annotations

import logging
import time
import uuid

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.metrics import Metrics
from bot.services import Services
from bot.views import replies
from storage.db import DatabaseBusy, is_unavailable

log = logging.getLogger("crisp.requests")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _object(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _id_of(value: object) -> str:
    """Slack sends some references as an id and some as an object with an id."""
    return value if isinstance(value, str) else _text(_object(value).get("id"))


def describe(body: object) -> tuple[str, str]:
    """(kind, detail) for a request body: enough to follow it, no message content. Never raises, whatever
    the body holds: it also describes the bodies that made a listener fail."""
    body = _object(body)
    if "command" in body:
        words = _text(body.get("text")).split()[:2]
        return "command", f"{_text(body.get('command'))} {' '.join(w.lower()[:20] for w in words)}".strip()
    kind = _text(body.get("type")) or "unknown"
    if kind == "event_callback":
        return "event", _text(_object(body.get("event")).get("type")) or "?"
    if kind == "block_actions":
        actions = body.get("actions") if isinstance(body.get("actions"), list) else []
        return "action", ",".join(_text(_object(a).get("action_id")) or "?" for a in actions[:3])
    if kind in ("view_submission", "view_closed"):
        return kind, _text(_object(body.get("view")).get("callback_id")) or "?"
    return kind, ""


def ids(body: object) -> dict[str, str]:
    body = _object(body)
    event = _object(body.get("event"))
    user = _object(body.get("user"))
    return {
        "team": _text(body.get("team_id")) or _id_of(body.get("team")) or _text(user.get("team_id")),
        "user": _text(body.get("user_id")) or _id_of(body.get("user")) or _id_of(event.get("user")),
        "channel": _text(body.get("channel_id")) or _id_of(body.get("channel")) or _id_of(event.get("channel")),
    }


class LoggedBoltApp(AsyncApp):
    """Bolt's middleware runs before the listener, so timing the whole request happens here."""

    def __init__(self, *, metrics: Metrics, **kwargs):
        super().__init__(**kwargs)
        self._metrics = metrics

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = await super().async_dispatch(req)
        elapsed_ms = (time.perf_counter() - started) * 1000
        kind, detail = describe(req.body)
        self._metrics.slack_requests.labels(kind=kind, status=str(response.status)).inc()
        self._metrics.slack_request_seconds.labels(kind=kind).observe(elapsed_ms / 1000)
        who = ids(req.body)
        retry = (req.headers.get("x-slack-retry-num") or [None])[0]
        log.info("slack request kind=%s detail=%s team=%s user=%s channel=%s status=%s ms=%.1f%s",
                 kind, detail, who["team"], who["user"], who["channel"], response.status, elapsed_ms,
                 f" retry={retry}" if retry else "",
                 extra={"kind": kind, "detail": detail, **who, "status": response.status,
                        "ms": round(elapsed_ms, 2), "mode": req.mode})
        return response

    def _handle_unmatched_requests(self, req: AsyncBoltRequest, resp: BoltResponse) -> BoltResponse:
        # Bolt's own notice is a dozen lines of suggested code, built from the body in ways a body it
        # never expected (say, `"view": null`) can make raise; one line says enough.
        kind, detail = describe(req.body)
        self._framework_logger.warning("no listener for this request kind=%s detail=%s", kind, detail)
        return resp


def register(app: AsyncApp, services: Services) -> None:
    async def on_error(error: Exception, body: dict) -> BoltResponse:
        reference = uuid.uuid4().hex[:8]
        kind, detail = describe(body)
        if isinstance(error, DatabaseBusy) or is_unavailable(error):
            # Nothing was changed and a retry in a while will work: events come again, people hear so.
            return busy(kind, detail, error)
        log.error("listener failed ref=%s kind=%s detail=%s", reference, kind, detail, exc_info=error)
        if kind == "command":
            text = (f"Something went wrong on Crisp's side (ref `{reference}`). Please try again; "
                    "if it keeps happening, tell your Crisp admin.")
            reply = {**replies.error(text, slash=services.settings.slash_command), "response_type": "ephemeral"}
            return BoltResponse(status=200, body=reply)
        # Retrying will not fix a bug; tell Slack not to.
        return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})

    def busy(kind: str, detail: str, error: Exception) -> BoltResponse:
        """Saturated, not broken: nothing was changed, so the request may simply come again."""
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        log.warning("slack request answered busy kind=%s detail=%s (%s)", kind, detail, reason)
        if kind == "command":
            reply = {**replies.busy(services.settings.slash_command), "response_type": "ephemeral"}
            return BoltResponse(status=200, body=reply)
        if kind == "event":
            # Slack delivers the event again (in about a minute, then five) when it gets no 2xx.
            return BoltResponse(status=503, body="", headers={"Retry-After": "60"})
        return BoltResponse(status=200, body="")

    app.error(on_error)
