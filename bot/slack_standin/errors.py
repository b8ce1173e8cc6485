"""The one exception handlers raise to answer like Slack does: HTTP 200, ok=false."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    """An ``{"ok": false, "error": ...}`` answer, optionally with explanation lines.

    Slack puts validation details in ``response_metadata.messages``; handlers pass
    them as ``messages`` so callers see the same shape they would get from Slack.
    """

    def __init__(self, error: str, messages: list[str] | None = None, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages or [])
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body
