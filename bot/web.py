"""The aiohttp application: Slack's endpoint beside health, metrics and the alert routes."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot.services import Services
from bot.workspaces import gate
from handlers.http import alerts, health, slack_events

MAX_BODY_BYTES = 1024 * 1024


def build_web_app(services: Services, bolt_app: AsyncApp | None, *, signing_secret: str | None,
                  on_alerts_stored: Callable[[], None] = lambda: None) -> web.Application:
    """`bolt_app` with a signing secret serves /slack/events (HTTP mode); Socket Mode leaves it out.
    The alert routes are served in every mode; `on_alerts_stored` wakes the relay after a commit."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    routes = health.routes(services) + alerts.routes(services, on_stored=on_alerts_stored)
    if bolt_app is not None and signing_secret:
        routes += slack_events.routes(bolt_app, signing_secret, services.clock, services.metrics,
                                      gate=lambda body: gate.refusal(services, body))
    app.add_routes(routes)
    return app
