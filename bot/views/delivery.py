"""The direct message that tells someone a message they caused could not be delivered, and what to do."""

from __future__ import annotations

from typing import Any

from bot.views.blocks import clip, context, message, section
from bot.views.mrkdwn import channel, code, user

QUOTE_LIMIT = 300

# What the person can do about each refusal; the key is Slack's error code.
ADVICE = {
    "channel_not_found": ("it's private and I'm not a member (or it no longer exists)",
                          "Invite me there with `/invite @Crisp` so my next messages get through."),
    "not_in_channel": ("I'm not a member and couldn't join it",
                       "Invite me there with `/invite @Crisp` so my next messages get through."),
    "is_archived": ("it's archived", "Unarchive it, or track the project in an active channel."),
    "user_not_in_channel": ("you're not a member of it", "Join the channel, then try again."),
}
CONTENT_ERRORS = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long",
                            "no_text", "invalid_attachments", "invalid_metadata_format", "invalid_metadata_schema"})
ADMIN_HINT = "If it keeps happening, tell a Crisp admin."


def error_code(error: str) -> str:
    """Slack's code from a stored error such as "not_in_channel (and could not join: …)"."""
    return error.split(" ", 1)[0].strip() or "unknown_error"


def _where(conversation: str | None) -> str:
    if not conversation:
        return "Slack"
    if conversation[:1] in ("C", "G"):
        return channel(conversation)
    if conversation[:1] in ("U", "W"):
        return f"a direct message to {user(conversation)}"
    return "a direct message"


def failure_notice(conversation: str | None, error: str, *, gave_up: bool = False,
                   original_text: str | None = None) -> dict[str, Any]:
    """`original_text` is the fallback text of the message that failed: Crisp's own mrkdwn, quoted as is."""
    slack_code = error_code(error)
    place = _where(conversation)
    if gave_up:
        gist = f"I couldn't post in {place}: Slack kept failing for hours, so I stopped trying."
        advice = ADMIN_HINT
    elif slack_code in ADVICE:
        reason, advice = ADVICE[slack_code]
        gist = f"I couldn't post in {place}: {reason}."
    elif slack_code in CONTENT_ERRORS:
        gist = f"I couldn't post in {place}: Slack refused the message itself ({code(slack_code)})."
        advice = "That's a fault on my side, not yours. Please tell a Crisp admin."
    else:
        gist = f"I couldn't post in {place}: Slack refused it ({code(slack_code)})."
        advice = ADMIN_HINT
    blocks = [section(f"{gist} {advice}")]
    if original_text:
        quoted = clip(original_text.split("\n", 1)[0], QUOTE_LIMIT)
        blocks.append(context(f"The message was: {quoted}"))
    return message(f"{gist} {advice}", blocks)
