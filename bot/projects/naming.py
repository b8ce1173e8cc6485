"""Project names as people type them, and the slugs alert senders use.

Both ways of naming a project apply the same rules (`clean_name`); they differ only in how the text
arrives. Slash-command text is Slack-escaped (`&amp;`, `&lt;`, `&gt;`), and what Slack resolved into a
mention, channel or link comes as a raw `<…>` token; a modal's input is exactly what was typed. Names
are stored as typed and escaped where they are shown (bot.views.mrkdwn).
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata

from anyascii import anyascii

from bot.errors import UserError
from bot.text import clean_text, unescape_slack

MAX_NAME_LENGTH = 80
MAX_SLUG_LENGTH = 60
_QUOTES = "\"“”„«»"
# In escaped slash text every `<` is Slack's own: a mention, channel, user group, broadcast or link.
_SLACK_TOKEN = re.compile(r"<[^<>]*>")
# Emoji as slash text carries them (`:rocket:`); they name nothing in a slug.
_SHORTCODE = re.compile(r":[a-z0-9_+'\-]+:")
FALLBACK_SLUG_PREFIX = "project-"


class NameSource(enum.Enum):
    COMMAND = "command"  # `/crisp project create NAME`: Slack-escaped, with Slack's own tokens
    FORM = "form"  # the create modal's input: exactly what was typed


class NameRefused(UserError):
    """A name (or place) the create rules refuse. `message` says it in command terms (mrkdwn, for the
    slash path); `in_form` says it as plain text in the create form's words."""

    def __init__(self, message: str, *, in_form: str):
        super().__init__(message)
        self.in_form = in_form


def clean_name(text: str | None, source: NameSource) -> str:
    """The name to store: unescaped once if it came from slash text, normalised, trimmed, checked."""
    text = text or ""
    if source is NameSource.COMMAND:
        if _SLACK_TOKEN.search(text):
            raise NameRefused("A project name cannot contain a mention, a channel or a link.",
                              in_form="A project name cannot contain a mention, a channel or a link.")
        text = unescape_slack(text)
    name = clean_text(text, single_line=True).strip(_QUOTES).strip()
    if not name:
        raise NameRefused("A project needs a name: `project create NAME`, e.g. `project create Churn Radar`.",
                          in_form="Enter a name for the project.")
    if len(name) > MAX_NAME_LENGTH:
        raise NameRefused(f"That name is {len(name)} characters long; keep it to {MAX_NAME_LENGTH}.",
                          in_form=f"Keep the name to {MAX_NAME_LENGTH} characters (this one has {len(name)}).")
    if not any(_names_something(char) for char in name):
        raise NameRefused("A project name needs some letters or digits (or emoji) in it.",
                          in_form="Use some letters or digits (or emoji) in the name.")
    return name


def _names_something(char: str) -> bool:
    """Letters and digits of any script, and emoji (other symbols); not punctuation or spaces alone."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "So"


def slugify(name: str) -> str:
    """A readable ASCII slug: any script transliterated (anyascii), emoji left out. A name with nothing
    to transliterate (emoji only, or a script anyascii cannot map) gets `project-` and a short hash of the
    name, so different names still get different slugs."""
    latin = []
    for char in _SHORTCODE.sub(" ", name):
        if unicodedata.category(char) == "So":  # emoji and other pictographs
            latin.append(" ")
        elif unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")):
            latin.append(f" {anyascii(char)} ")  # one syllable each: 数据 -> shu-ju, not shuju
        else:
            latin.append(anyascii(char))
    slug = re.sub(r"[^a-z0-9]+", "-", "".join(latin).lower()).strip("-")
    slug = slug[:MAX_SLUG_LENGTH].strip("-")
    return slug or _fallback_slug(name)


def _fallback_slug(name: str) -> str:
    # The same name in another case or spacing is the same project, as it is for transliterated slugs.
    key = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name).casefold()).strip()
    return FALLBACK_SLUG_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:10]
