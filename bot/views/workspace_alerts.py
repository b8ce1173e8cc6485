"""Replies of `alerts token`, `alerts token rotate` and `alerts channel`: the workspace's own alert settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.views.blocks import context, message, section
from bot.views.mrkdwn import channel, code, slack_date, user, without_marks


def token_issued(token: str, *, rotated: bool, slash: str, base_hint: str = "https://crisp.example.com") -> dict[str, Any]:
    """Shown once, to the admin alone: the token is not stored and cannot be shown again."""
    first = ("Rotated this workspace's alert token: the old one no longer works." if rotated
             else "Issued this workspace's alert token.")
    text = f"{first} Copy it now; it is shown only this once:\n{code(token)}"
    return message(without_marks(first) + " Copy it now; it is shown only this once.", [
        section(text),
        context(f"Alert senders present it as `Authorization: Bearer …` on {base_hint}/alerts/…; their alerts go only "
                f"to this workspace's projects. Lost it? `{slash} alerts token rotate` replaces it."),
    ])


def token_exists(set_by: str | None, set_at: datetime | None, slash: str) -> dict[str, Any]:
    since = f", issued by {user(set_by)}" if set_by else ""
    when = f" {slash_date_or_blank(set_at)}" if set_at else ""
    text = (f"This workspace has an alert token already{since}{when}. It cannot be shown again; "
            f"`{slash} alerts token rotate` replaces it (the old one stops working).")
    return message(without_marks(text), [section(text)])


def slash_date_or_blank(moment: datetime) -> str:
    return f"on {slack_date(moment)}"


def channel_set(channel_id: str | None, slash: str) -> dict[str, Any]:
    if channel_id is None:
        text = ("Alerts of this workspace that match no project are no longer sent to a channel; "
                f"`{slash} alerts` in a channel without a project lists them.")
    else:
        text = f"Alerts of this workspace that match no project now come to {channel(channel_id)}."
    return message(without_marks(text), [section(text)])


def channel_shown(channel_id: str | None, slash: str) -> dict[str, Any]:
    if channel_id is None:
        text = f"No channel takes this workspace's unmatched alerts; `{slash} alerts channel #channel` sets one."
    else:
        text = f"Alerts of this workspace that match no project come to {channel(channel_id)}."
    return message(without_marks(text), [section(text)])
