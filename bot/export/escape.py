"""Text people typed, put into Markdown as text: it can add words, never structure.

Two forms. `inline` is for one-line values (names, notes, milestones): every ASCII punctuation character
is backslash-escaped (CommonMark lets any of them be), so no heading, list, emphasis, link, image, HTML
tag, entity, table cell or code span can start, and line breaks become spaces. `block` is for the fields
of a record, kept line for line: a fenced code block whose fence is longer than any run of backticks in
the text, so the text cannot close it, and nothing inside a code block is read as Markdown.
"""

from __future__ import annotations

import re
import string

from bot.text import clean_text

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_BACKTICK_RUN = re.compile(r"`+")
# An address a record may link to: a plain http(s) URL with nothing Markdown would end it early on.
_URL = re.compile(r"https?://[^\s<>()\[\]`\\\"']+")


def inline(text: str | None) -> str:
    """One line of text, every Markdown punctuation mark escaped."""
    return _PUNCTUATION.sub(r"\\\1", clean_text(text, single_line=True))


def block(text: str | None) -> str:
    """The text line for line inside a fenced code block it cannot close."""
    body = clean_text(text).strip("\n")
    longest = max((len(run) for run in _BACKTICK_RUN.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{body}\n{fence}"


def link(address: str | None) -> str:
    """A record's external document: an autolink when it is a plain http(s) URL, else escaped text."""
    address = (address or "").strip()
    if _URL.fullmatch(address):
        return f"<{address}>"
    return inline(address)
