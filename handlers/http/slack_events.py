"""POST /slack/events: verify Slack's signature over the raw bytes, check the body's shape, then hand it
to Bolt. Every request is answered 2xx or 4xx: unverifiable ones 401, verified ones that Slack would never
send 400 naming the field, each refusal with one WARNING line and no change anywhere."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.clock import Clock
from bot.metrics import Metrics
from handlers import slack_payloads

log = logging.getLogger("crisp.requests")

SIGNATURE_WINDOW_SECONDS = 5 * 60
# Seconds since the epoch, as Slack sends them: ASCII digits and a length an int parses at once.
TIMESTAMP = re.compile(r"[0-9]{1,12}")


class SignatureCheck:
    """Slack's v0 signature over the exact bytes received, checked in constant time. The timestamp is
    checked here first, so no header value can make the check itself fail."""

    def __init__(self, signing_secret: str, clock: Clock):
        self._secret = signing_secret.encode()
        self._clock = clock

    def problem(self, raw: bytes, headers: Mapping[str, str]) -> str | None:
        """None for a request Slack signed within the last five minutes, else what is wrong with it."""
        signature = headers.get("X-Slack-Signature", "")
        if not signature:
            return "signature missing"
        stamp = headers.get("X-Slack-Request-Timestamp", "")
        if not TIMESTAMP.fullmatch(stamp):
            return "timestamp malformed"
        if abs(self._clock.now().timestamp() - int(stamp)) > SIGNATURE_WINDOW_SECONDS:
            return "signature stale"
        digest = hmac.new(self._secret, b"v0:" + stamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(b"v0=" + digest.encode(), signature.encode("utf-8", "surrogateescape")):
            return "signature invalid"
        return None


class CheckedBoltRequest(AsyncBoltRequest):
    """A Bolt request carrying the body checked here. Bolt's own parser guesses the format from the text
    (a slash command whose text says "payload" comes out empty), so it is not asked to parse again."""

    def __init__(self, *, raw_body: str, body: dict[str, Any], query: Any, headers: dict[str, Any],
                 context: dict[str, Any] | None = None):
        super().__init__(body="", query=query, headers=headers)
        self.raw_body = raw_body
        self.body = body
        self.context = build_async_context(AsyncBoltContext(context or {}), body)

    def to_copyable(self) -> CheckedBoltRequest:
        return CheckedBoltRequest(raw_body=self.raw_body, body=self.body, query=self.query, headers=self.headers,
                                  context=self.context.to_copyable())


def routes(bolt_app: AsyncApp, signing_secret: str, clock: Clock, metrics: Metrics, *,
           gate: Callable[[dict[str, Any], Mapping[str, str]], Awaitable[dict[str, Any] | None]] | None = None,
           ) -> list[web.RouteDef]:
    """`gate` may answer a checked body (given with the request's headers) instead of Bolt: a workspace
    that uninstalled Crisp, or never installed it."""
    signatures = SignatureCheck(signing_secret, clock)

    async def slack_events(request: web.Request) -> web.Response:
        # Bytes, not text: the signature covers the bytes, and a bogus charset must not decide anything.
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            metrics.slack_requests.labels(kind="oversized", status="413").inc()
            log.warning("slack request refused: body too large (remote=%s)", request.remote,
                        extra={"status": 413, "reason": "too large"})
            raise
        problem = signatures.problem(raw, request.headers)
        if problem is not None:
            metrics.slack_requests.labels(kind="unverified", status="401").inc()
            log.warning("slack request refused: %s (remote=%s)", problem, request.remote,
                        extra={"status": 401, "reason": problem})
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            body = slack_payloads.from_http(raw, request.headers.get("Content-Type"))
        except slack_payloads.Refused as refused:
            metrics.slack_requests.labels(kind="malformed", status="400").inc()
            log.warning("slack request refused: %s: %s (remote=%s)", refused.error, refused.detail, request.remote,
                        extra={"status": 400, "reason": refused.error, "detail": refused.detail})
            return web.json_response({"error": refused.error, "detail": refused.detail}, status=400)
        if gate is not None:
            answer = await gate(body, request.headers)
            if answer is not None:
                metrics.slack_requests.labels(kind="not_installed", status="200").inc()
                log.info("slack request from a workspace without Crisp answered: install it")
                return web.json_response(answer) if answer else web.Response(status=200)
        bolt_request = CheckedBoltRequest(raw_body=raw.decode(), body=body, query=request.query_string,
                                          headers=dict(request.headers))
        return await to_aiohttp_response(await bolt_app.async_dispatch(bolt_request))

    return [web.post("/slack/events", slack_events)]
