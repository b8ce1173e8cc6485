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

log = logging.getLogger("crisp.requests")


def describe(body: dict) -> tuple[str, str]:
    """(kind, detail) for a request body: enough to follow it, no message content."""
    if "command" in body:
        words = (body.get("text") or "").split()[:2]
        return "command", f"{body.get('command')} {' '.join(w.lower()[:20] for w in words)}".strip()
    kind = body.get("type", "unknown")
    if kind == "event_callback":
        return "event", (body.get("event") or {}).get("type", "?")
    if kind == "block_actions":
        return "action", ",".join(a.get("action_id", "?") for a in body.get("actions", [])[:3])
    if kind in ("view_submission", "view_closed"):
        return kind, (body.get("view") or {}).get("callback_id", "?")
    return kind, ""


def ids(body: dict) -> dict[str, str]:
    event = body.get("event") or {}
    return {
        "team": body.get("team_id") or (body.get("team") or {}).get("id") or "",
        "user": body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user") or "",
        "channel": body.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel") or "",
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


def register(app: AsyncApp, services: Services) -> None:
    async def on_error(error: Exception, body: dict) -> BoltResponse:
        reference = uuid.uuid4().hex[:8]
        kind, detail = describe(body)
        log.error("listener failed ref=%s kind=%s detail=%s", reference, kind, detail, exc_info=error)
        if kind == "command":
            text = (f"Something went wrong on Crisp's side (ref `{reference}`). Please try again; "
                    "if it keeps happening, tell your Crisp admin.")
            reply = {**replies.error(text, slash=services.settings.slash_command), "response_type": "ephemeral"}
            return BoltResponse(status=200, body=reply)
        # Retrying will not fix a bug; tell Slack not to.
        return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})

    app.error(on_error)
