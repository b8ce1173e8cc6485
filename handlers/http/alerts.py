"""POST /alerts/{alertmanager,grafana,evidently,generic}: check the credential, the size and the format,
store the whole body in one transaction, and answer 202 only after the commit. Refusals are 401, 400
(naming the field) or 413, each with one WARNING line and nothing stored; a busy database is 503 with
Retry-After, so the sender tries again. Never a 500."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.alerts.formats import PARSERS, FormatError
from bot.alerts.formats.common import scrub
from bot.alerts import tokens as alert_tokens
from bot.alerts.ingest import ingest
from bot.services import Services
from storage.db import DatabaseBusy

log = logging.getLogger("crisp.alerts")

MAX_BODY_BYTES = 1024 * 1024
SIGNATURE_HEADER = "X-Grafana-Alerting-Signature"
SIGNATURE_TIMESTAMP_HEADER = "X-Grafana-Alerting-Signature-Timestamp"
BUSY_RETRY_AFTER_SECONDS = 5


# As Slack does for its own signatures: five minutes either way.
SIGNATURE_MAX_AGE_SECONDS = 300


class Credentials:
    """`Authorization: Bearer $ALERT_TOKEN`, or Grafana's HMAC-SHA256 of the body (of `timestamp:body` when the
    timestamp header is sent) when ALERT_HMAC_SECRET is set; both compared in constant time."""

    def __init__(self, token: str | None, hmac_secret: str | None, now: Callable[[], float] = time.time):
        self._token = token.encode() if token else None
        self._secret = hmac_secret.encode() if hmac_secret else None
        self._now = now

    @property
    def configured(self) -> bool:
        return self._token is not None or self._secret is not None

    def bearer_ok(self, headers) -> bool:
        if self._token is None:
            return False
        given = bearer_of(headers)
        return given is not None and hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self._token)

    def wants_body(self, headers) -> bool:
        """Whether the request may still pass by a signature over its body."""
        return self._secret is not None and bool(headers.get(SIGNATURE_HEADER))

    def signature_ok(self, headers, raw: bytes) -> bool:
        signed = raw
        stamp = headers.get(SIGNATURE_TIMESTAMP_HEADER)
        if stamp:
            # A signed timestamp must be recent, so a captured request cannot be replayed later.
            if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12
                    and abs(self._now() - int(stamp)) <= SIGNATURE_MAX_AGE_SECONDS):
                return False
            signed = stamp.encode("utf-8", "surrogateescape") + b":" + raw
        expected = hmac.new(self._secret, signed, hashlib.sha256).hexdigest().encode()
        given = headers.get(SIGNATURE_HEADER, "").strip().lower().encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, expected)


def bearer_of(headers) -> str | None:
    scheme, _, given = headers.get("Authorization", "").strip().partition(" ")
    return given.strip() if scheme.lower() == "bearer" and given.strip() else None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError([{"field": "(body)", "message": f"is not UTF-8 (byte {exc.start})"}]) from None
    try:
        return scrub(json.loads(text, parse_constant=_refuse_constant))
    except RecursionError:
        raise FormatError([{"field": "(body)", "message": "is nested too deeply"}]) from None
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, integers too long to read
        raise FormatError([{"field": "(body)", "message": f"is not JSON ({str(exc).splitlines()[0][:200]})"}]) \
            from None


def routes(services: Services, *, on_stored: Callable[[], None] = lambda: None) -> list[web.RouteDef]:
    settings = services.settings
    credentials = Credentials(settings.alert_token.get_secret_value() if settings.alert_token else None,
                              settings.alert_hmac_secret.get_secret_value() if settings.alert_hmac_secret else None,
                              now=lambda: services.clock.now().timestamp())
    metrics = services.metrics

    def refuse(source: str, status: int, reason: str, body: dict[str, Any], request: web.Request,
               *, headers: dict[str, str] | None = None) -> web.Response:
        metrics.alerts_failed.labels(source=source, reason=reason).inc()
        log.warning("alert request refused: %s %s (source=%s remote=%s)", status, body.get("error", reason), source,
                    request.remote, extra={"status": status, "reason": reason, "source": source})
        return web.json_response(body, status=status, headers=headers)

    def receiver(source: str):
        async def receive(request: web.Request) -> web.Response:
            # A workspace's own token (`/crisp alerts token`): its alerts stay inside that workspace.
            presented = bearer_of(request.headers)
            try:
                workspace = await alert_tokens.workspace_of(services, presented) if presented else None
            except DatabaseBusy:
                return refuse(source, 503, "busy", {"error": "busy, try again"}, request,
                              headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)})
            if workspace is not None:
                return await accept(source, request, team_id=workspace.team_id)
            if services.multi_workspace:
                # ALERT_TOKEN and the HMAC secret name no workspace when Crisp serves several.
                return refuse(source, 401, "unauthorized", {"error": "missing or wrong credential: use the "
                              "workspace's alert token (`/crisp alerts token`)"}, request,
                              headers={"WWW-Authenticate": "Bearer"})
            if not credentials.configured:
                metrics.alerts_failed.labels(source=source, reason="unauthorized").inc()
                log.warning("alert request refused: ALERT_TOKEN is not set, so the alert endpoints answer 401 to "
                            "everyone (source=%s remote=%s); set ALERT_TOKEN and give senders that bearer token",
                            source, request.remote, extra={"status": 401, "reason": "no ALERT_TOKEN"})
                return web.json_response({"error": "alert endpoints are not configured (ALERT_TOKEN is not set)"},
                                         status=401, headers={"WWW-Authenticate": "Bearer"})
            bearer = credentials.bearer_ok(request.headers)
            if not bearer and not credentials.wants_body(request.headers):
                return refuse(source, 401, "unauthorized", {"error": "missing or wrong credential"}, request,
                              headers={"WWW-Authenticate": "Bearer"})
            return await accept(source, request, team_id=None, bearer=bearer)

        async def accept(source: str, request: web.Request, *, team_id: str | None,
                         bearer: bool = True) -> web.Response:
            """The credential names the workspace (None: ALERT_TOKEN's single one); size, format, store."""
            parse = PARSERS[source]
            if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
                return refuse(source, 413, "too_large", {"error": f"body over {MAX_BODY_BYTES} bytes"}, request)
            try:
                raw = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return refuse(source, 413, "too_large", {"error": f"body over {MAX_BODY_BYTES} bytes"}, request)
            if not bearer and not credentials.signature_ok(request.headers, raw):
                return refuse(source, 401, "unauthorized", {"error": "missing or wrong credential"}, request,
                              headers={"WWW-Authenticate": "Bearer"})
            try:
                groups = parse(parse_json(raw), request.query)
            except FormatError as problem:
                return refuse(source, 400, "invalid", {"error": problem.summary, "detail": problem.detail}, request)
            received = sum(len(group.alerts) for group in groups)
            metrics.alerts_received.labels(source=source).inc(received)
            try:
                stored = await ingest(services, groups, team_id=team_id)
            except DatabaseBusy:
                return refuse(source, 503, "busy", {"error": "busy, try again"}, request,
                              headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)})
            except Exception:
                # Not the sender's fault: keep its alerts by making it send them again.
                log.exception("alert ingest failed (source=%s); answered 503 so the sender retries", source)
                metrics.alerts_failed.labels(source=source, reason="error").inc()
                return web.json_response({"error": "could not store the alerts, try again"}, status=503,
                                         headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)})
            metrics.alerts_stored.labels(source=source).inc(stored.alerts)
            if stored.changed:
                on_stored()
            return web.json_response({"status": "stored", "alerts": stored.alerts, "groups": stored.groups},
                                     status=202)

        return receive

    return [web.post(f"/alerts/{source}", receiver(source)) for source in PARSERS]
