"""POST /slack/events: verify Slack's signature, then hand the request to Bolt."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock as SignatureClock
from slack_sdk.signature import SignatureVerifier

from bot.clock import Clock
from bot.metrics import Metrics

log = logging.getLogger("crisp.requests")


class _EpochClock(SignatureClock):
    def __init__(self, clock: Clock):
        self._clock = clock

    def now(self) -> float:
        return self._clock.now().timestamp()


def routes(bolt_app: AsyncApp, signing_secret: str, clock: Clock, metrics: Metrics) -> list[web.RouteDef]:
    verifier = SignatureVerifier(signing_secret, clock=_EpochClock(clock))

    async def slack_events(request: web.Request) -> web.Response:
        body = await request.text()
        if not verifier.is_valid_request(body, request.headers):
            reason = "missing" if not request.headers.get("X-Slack-Signature") else "invalid or stale"
            metrics.slack_requests.labels(kind="unverified", status="401").inc()
            log.warning("slack request refused: signature %s (remote=%s)", reason, request.remote,
                        extra={"status": 401, "reason": reason})
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))
        return await to_aiohttp_response(await bolt_app.async_dispatch(bolt_request))

    return [web.post("/slack/events", slack_events)]
