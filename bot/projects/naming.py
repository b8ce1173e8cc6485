"""Project names as people type them, and the slugs alert senders use."""

from __future__ import annotations

import html
import re
import unicodedata

from bot.errors import UserError

MAX_NAME_LENGTH = 80
MAX_SLUG_LENGTH = 60


def clean_name(raw: str) -> str:
    """Slack escapes &, < and > in command text; names are stored unescaped and trimmed."""
    name = re.sub(r"\s+", " ", html.unescape(raw or "")).strip().strip('"“”').strip()
    if not name:
        raise UserError("A project needs a name: `project create NAME`, e.g. `project create Churn Radar`.")
    if len(name) > MAX_NAME_LENGTH:
        raise UserError(f"That name is {len(name)} characters long; keep it to {MAX_NAME_LENGTH}.")
    if re.search(r"<[@#!][^>]*>", raw or ""):
        raise UserError("A project name cannot contain a mention or a channel link.")
    return name


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_SLUG_LENGTH].strip("-")
    if not slug:
        raise UserError("Give the project a name with some letters or digits in it (it becomes its alert slug).")
    return slug
