"""Short ephemeral answers: errors, refusals, suggestions."""

from __future__ import annotations

from typing import Any

from bot.views.blocks import context, message, section
from bot.views.mrkdwn import code, without_marks

HELP_POINTER = "`{slash} help` lists what you can do here."


def error(text: str, *, hint: str | None = None, slash: str) -> dict[str, Any]:
    """`text` and `hint` are mrkdwn (user text in them escaped by whoever composed them). The first line
    of `text` is the gist for notifications and screen readers."""
    return message(without_marks(text), [section(text), context(hint or HELP_POINTER.format(slash=slash))])


def unknown(word: str, suggestion_usage: str | None, slash: str, group_usages: list[str] | None = None):
    """`word` is what the person typed (unescaped): it is shown, never parsed."""
    text = f"I don't know {code(word)}."
    if suggestion_usage:
        text += f" Did you mean {code(f'{slash} {suggestion_usage}')}?"
    elif group_usages:
        text += " Try " + ", ".join(code(f"{slash} {usage}") for usage in group_usages) + "."
    return error(text, slash=slash)


def busy(slash: str) -> dict[str, Any]:
    return error(":hourglass: Crisp is busy right now and did nothing. Please try again in a moment.", slash=slash)
