"""Context Crisp put into buttons and modals (`value`, `private_metadata`) and reads back.

Slack returns what we sent, but anyone with the signing secret's requests (or a bug) can send anything:
the reading is strict, so a forged or damaged value is "not one of Crisp's", never an exception."""

from __future__ import annotations

import json
from typing import Any

# Row ids fit a 32-bit integer column on every database.
MAX_ROW_ID = 2**31 - 1


def small_json(text: Any) -> dict[str, Any]:
    """The JSON object in `text`; {} when it is missing, not JSON, nested too deeply or not an object."""
    if not isinstance(text, str) or not text:
        return {}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def row_id(value: Any) -> int | None:
    """A positive id that fits the database's integer columns; None for anything else (bools included)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ROW_ID:
        return None
    return value


def count(value: Any) -> int | None:
    """A small non-negative number (an iteration); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ROW_ID:
        return None
    return value
