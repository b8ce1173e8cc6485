"""Feedback on the model's predictions: the answer to whoever gave it, the channel's short announcement."""

from __future__ import annotations

from typing import Any

from bot.views.blocks import context, message, section
from bot.views.mrkdwn import clip, code, escape, user
from storage.tables import Feedback

QUOTE_LIMIT = 300
NO_TEXT = "Say what the feedback on the model's predictions is; nothing was stored."
EMPTY_MESSAGE = "That message has no text to send as model feedback; nothing was stored."
NO_PROJECT_FOR_SHORTCUT = ("There is no Crisp project in that channel, so the message was not stored as model "
                           "feedback. Use *Send as model feedback* on a message in a project's channel.")
SHORTCUT_NAME = "Send as model feedback"


def usage(slash: str) -> str:
    return f"For example: {code(f'{slash} feedback the churn scores flag loyal customers as leaving')}"


def too_long(length: int, limit: int) -> str:
    return f"That message is {length:,} characters long; feedback keeps to {limit:,}. Nothing was stored."


def _quote(text: str) -> str:
    return "&gt; " + escape(clip(" ".join(text.split()), QUOTE_LIMIT))  # a quote, as Slack itself writes one


def given_reply(new: bool) -> dict[str, Any]:
    line = (":speech_balloon: Thanks: your feedback on the model's predictions is stored and counted in the "
            "stakeholder digest." if new else
            ":speech_balloon: That feedback was stored a moment ago; it is stored once.")
    return message(line, [section(line)])


def stored_privately(feedback: Feedback) -> dict[str, Any]:
    line = ":speech_balloon: Stored that message as feedback on the model's predictions."
    return message(line, [section(f"{line}\n{_quote(feedback.text)}")])


def already_stored() -> dict[str, Any]:
    line = ":speech_balloon: That message is stored as model feedback already; it is stored once."
    return message(line, [section(line)])


def announcement(feedback: Feedback) -> dict[str, Any]:
    how = "shared a message as" if feedback.source == "shortcut" else "gave"
    line = f":speech_balloon: {user(feedback.author)} {how} feedback on the model's predictions:"
    return message(f"{line} {escape(clip(feedback.text, QUOTE_LIMIT))}",
                   [section(f"{line}\n{_quote(feedback.text)}"), context("Counted in the stakeholder digest.")])
