"""Small Block Kit builders shared by the view modules; they keep within Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.views.mrkdwn import clip, escape

__all__ = ["Block", "actions", "bounded_lines", "button", "clip", "context", "divider", "escape", "header", "message",
           "mrkdwn", "plain", "section"]

SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
FIELD_TEXT_LIMIT = 2000
FALLBACK_TEXT_LIMIT = 4000
CONTEXT_ELEMENT_LIMIT = 10

Block = dict[str, Any]


def plain(text: str, limit: int = SECTION_TEXT_LIMIT) -> dict[str, Any]:
    """Slack shows plain_text as it is (no mentions, links or marks): user text goes in raw."""
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…", "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT_LIMIT) -> dict[str, Any]:
    """`text` is mrkdwn already: user text in it went through `escape`."""
    return {"type": "mrkdwn", "text": clip(text, limit)}


def bounded_lines(head: str, lines: Sequence[str], total: int | None = None, *, more: str = "more",
                  limit: int = SECTION_TEXT_LIMIT) -> str:
    """`head`, then as many of `lines` (mrkdwn) as fit in `limit` characters, then "_and N more_" for the
    rest of `total` items (default: as many as `lines`; more when the caller passed only the first few).
    The tail always fits, so a long list reads as cut, not clipped mid-line."""
    total = len(lines) if total is None else total
    tail_room = len(f"\n_and {total} {more}_")
    text, shown = head, 0
    for line in lines:
        joined = f"{text}\n{line}" if text else line
        if len(joined) > limit - tail_room:
            if shown == 0 and not head:
                text, shown = clip(line, limit - tail_room), 1
            break
        text, shown = joined, shown + 1
    if total > shown:
        tail = f"_and {total - shown} {more}_"
        text = f"{text}\n{tail}" if text else tail
    return text


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_LIMIT)}


def section(text: str, *, fields: list[str] | None = None, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if fields:
        block["fields"] = [mrkdwn(field, FIELD_TEXT_LIMIT) for field in fields[:10]]
    if accessory is not None:
        block["accessory"] = accessory
    return block


def line_sections(lines: list[str], limit: int = SECTION_TEXT_LIMIT) -> list[Block]:
    """Lines split over as many sections as Slack's text limit needs, never cutting a line (a line longer
    than the limit is cut by `section`)."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + 1 + len(line) > limit:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        size += len(line) + (1 if current else 0)
        current.append(line)
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text) for text in texts[:CONTEXT_ELEMENT_LIMIT]]}


def divider() -> Block:
    return {"type": "divider"}


def button(label: str, action_id: str, *, value: str | None = None, style: str | None = None) -> Block:
    element: Block = {"type": "button", "text": plain(label, 75), "action_id": action_id}
    if value is not None:
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def message(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    """A message body: `text` is the notification and screen-reader fallback, its first line the gist.
    Slack parses it like mrkdwn, so user text in it went through `escape` too."""
    body: dict[str, Any] = {"text": clip(text, FALLBACK_TEXT_LIMIT)}
    if blocks:
        body["blocks"] = blocks
    return body
