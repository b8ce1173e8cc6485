"""Errors a person caused; they are answered with an ephemeral line and change nothing."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a state that forbids the request. The message is shown as is (mrkdwn)."""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class Refused(UserError):
    """The caller may not do this; the message says who may. `action` (a bot.permissions.Action) lets the
    answer name who holds those roles in the project (bot.team.access)."""

    def __init__(self, message: str, *, hint: str | None = None, action=None):
        super().__init__(message, hint=hint)
        self.action = action


class FormErrors(UserError):
    """Fields of a form that cannot be stored: field -> plain text (shown on the form as Slack field errors)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors
