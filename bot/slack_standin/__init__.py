"""Slack Web API stand-in for tests and offline console mode.

    standin = SlackStandIn()
    base_url = await standin.start()
    client = AsyncWebClient(token="xoxb-test", base_url=base_url)

See ``server.SlackStandIn`` for the controls (fail, hold, listen) and inspectors.
Block Kit checks are reusable on their own from ``bot.slack_standin.blocks``.
"""

from .records import Hold, RecordedCall
from .server import SlackStandIn

__all__ = ["Hold", "RecordedCall", "SlackStandIn"]
