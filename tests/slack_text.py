"""What Slack would make of the text Crisp sends: every field it parses, and the `<…>` tokens in them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_TOKEN = re.compile(r"<([^<>]*)>")
# A date with no link part (`<!date^ts^format|fallback>`; a fourth `^` part would make it a link).
_DATE = re.compile(r"!date\^\d+\^[^^|]*\|[^<>|^]*")
_ENTITY = re.compile(r"&(?:amp|lt|gt);")


def parsed_fields(payload: Any) -> Iterator[str]:
    """Every string Slack parses for mentions and links: a message's (or attachment's) `text`, and every
    mrkdwn object, anywhere in the JSON. Only plain_text objects are left out."""
    if isinstance(payload, dict):
        text = payload.get("text")
        if isinstance(text, str) and payload.get("type") in (None, "mrkdwn"):
            yield text
        for key, value in payload.items():
            if not (key == "text" and isinstance(value, str)):
                yield from parsed_fields(value)
    elif isinstance(payload, list):
        for item in payload:
            yield from parsed_fields(item)


def plain_fields(payload: Any) -> Iterator[str]:
    """Every plain_text object's text (Slack shows these as they are)."""
    if isinstance(payload, dict):
        if payload.get("type") == "plain_text" and isinstance(payload.get("text"), str):
            yield payload["text"]
        for value in payload.values():
            yield from plain_fields(value)
    elif isinstance(payload, list):
        for item in payload:
            yield from plain_fields(item)


def live_tokens(text: str, *, users: set[str], channels: set[str], links: frozenset[str] = frozenset()) -> list[str]:
    """The tokens in `text` that Crisp did not make from an id it trusts: live mentions, broadcasts,
    user groups and links (but for links to the URLs in `links`, as they appear in mrkdwn). Stray `<`,
    `>` and `&` not part of an entity count too."""
    found = []
    for match in _TOKEN.finditer(text):
        inner = match.group(1)
        if inner.startswith("@") and inner[1:] in users:
            continue
        if inner.startswith("#") and inner[1:] in channels:
            continue
        if _DATE.fullmatch(inner):
            continue
        if inner.partition("|")[0] in links:
            continue
        found.append(match.group(0))
    rest = _ENTITY.sub("", _TOKEN.sub("", text))
    found += [char for char in rest if char in "<>&"]
    return found


def assert_nothing_live(payload: Any, *, users: set[str], channels: set[str],
                        links: frozenset[str] = frozenset()) -> list[str]:
    """Fails on any live token in a parsed field; returns the fields, for further checks."""
    fields = [payload] if isinstance(payload, str) else list(parsed_fields(payload))
    for field in fields:
        assert live_tokens(field, users=users, channels=channels, links=links) == [], field
    return fields
