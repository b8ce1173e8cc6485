"""The aiohttp application: Slack's endpoint beside health, metrics and the alert routes."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow

from bot.services import Services
from bot.workspaces import gate
from handlers.http import alerts, health, install, slack_events

MAX_BODY_BYTES = 1024 * 1024


def build_web_app(services: Services, bolt_app: AsyncApp | None, *, signing_secret: str | None,
                  on_alerts_stored: Callable[[], None] = lambda: None,
                  install_flow: AsyncOAuthFlow | None = None) -> web.Application:
    """`bolt_app` with a signing secret serves /slack/events (HTTP mode); Socket Mode leaves it out.
    The alert routes are served in every mode; `on_alerts_stored` wakes the relay after a commit.
    `install_flow` (OAuth mode) adds the install page, /slack/install and /slack/oauth_redirect."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    routes = health.routes(services) + alerts.routes(services, on_stored=on_alerts_stored)
    if bolt_app is not None and signing_secret:
        routes += slack_events.routes(bolt_app, signing_secret, services.clock, services.metrics,
                                      gate=lambda body, headers: gate.refusal(services, body, headers))
    if install_flow is not None:
        routes += install.routes(install_flow)
    app.add_routes(routes)
    return app
