"""Short ephemeral answers: errors, refusals, suggestions."""

from __future__ import annotations

from typing import Any

from bot.views.blocks import context, message, section

HELP_POINTER = "`{slash} help` lists what you can do here."


def error(text: str, *, hint: str | None = None, slash: str = "/crisp") -> dict[str, Any]:
    """First line of `text` is the gist for notifications and screen readers."""
    plain_first_line = text.replace("*", "").replace("`", "")
    return message(plain_first_line, [section(text), context(hint or HELP_POINTER.format(slash=slash))])


def unknown(word: str, suggestion_usage: str | None, slash: str, group_usages: list[str] | None = None):
    text = f"I don't know `{word}`."
    if suggestion_usage:
        text += f" Did you mean `{slash} {suggestion_usage}`?"
    elif group_usages:
        text += " Try " + ", ".join(f"`{slash} {usage}`" for usage in group_usages) + "."
    return error(text, slash=slash)


def busy(slash: str = "/crisp") -> dict[str, Any]:
    return error(":hourglass: Crisp is busy right now and did nothing. Please try again in a moment.", slash=slash)
