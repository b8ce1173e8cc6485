"""The aiohttp application: Slack's endpoint beside health, metrics and (later) alert routes."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers.http import health, slack_events

MAX_BODY_BYTES = 1024 * 1024


def build_web_app(services: Services, bolt_app: AsyncApp | None, *, signing_secret: str | None) -> web.Application:
    """`bolt_app` with a signing secret serves /slack/events (HTTP mode); Socket Mode leaves it out."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    routes = health.routes(services)
    if bolt_app is not None and signing_secret:
        routes += slack_events.routes(bolt_app, signing_secret, services.clock, services.metrics)
    app.add_routes(routes)
    return app
