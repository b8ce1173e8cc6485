"""Builds the Bolt app: no module-level app, one per call, listeners registered by `register()`."""

from __future__ import annotations

import logging

from slack_bolt.authorization.async_authorize import AsyncAuthorize

from slack_sdk.web.async_client import AsyncWebClient

from bot.services import Services
from handlers import actions, commands, events, request_log, shortcuts, views
from handlers.request_log import LoggedBoltApp


class _TokenSourceNotice(logging.Filter):
    """Bolt also reads SLACK_BOT_TOKEN from the environment and warns that the client's token, or the
    `authorize` function we pass, wins over it; that is intended here, so the warnings are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "`token` will be unused" not in message and "will be ignored" not in message


def build_bolt_app(services: Services, client: AsyncWebClient, *, authorize: AsyncAuthorize) -> LoggedBoltApp:
    """`authorize` answers from what the process already knows: no Slack call on the ack path."""
    settings = services.settings
    bolt_logger = logging.getLogger("crisp.bolt")
    if not any(isinstance(f, _TokenSourceNotice) for f in bolt_logger.filters):
        bolt_logger.addFilter(_TokenSourceNotice())
    app = LoggedBoltApp(
        metrics=services.metrics,
        name="crisp",
        client=client,
        authorize=authorize,
        # HTTP requests are verified by the route before they reach Bolt (with the injectable clock);
        # Socket Mode requests need no signature.
        signing_secret=settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else "",
        request_verification_enabled=False,
        process_before_response=True,
        logger=bolt_logger,
    )
    for listeners in (request_log, commands, actions, views, shortcuts, events):
        listeners.register(app, services)
    return app
