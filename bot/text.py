"""Text people typed, normalised once on the way in.

Whatever arrives (slash text, modal fields, alert labels) passes through `clean_text` before it is
stored, so SQLite and PostgreSQL store the same thing: no NUL or other control characters, no
unpaired surrogates (PostgreSQL refuses them), no bidirectional overrides that make a name read
differently from what it is. Slash-command text is additionally unescaped once (`unescape_slack`):
Slack escapes `&`, `<` and `>` there, and names are stored as the person typed them.
"""

from __future__ import annotations

import re

from bot.errors import UserError

# C0 controls except tab and newline, DEL and the C1 controls.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidirectional marks, embeddings, overrides and isolates (Trojan Source), the BOM / zero-width no-break
# space, characters that show nothing (zero-width space, word joiner and invisible operators, Mongolian
# vowel separator, Hangul fillers) so "Churn" and "Ch\u200burn" cannot pass for one name, and lone
# surrogates (only reachable through JSON escapes like "\ud800"). Zero-width (non-)joiners stay: emoji
# sequences and several scripts need them.
_INVISIBLE = ("\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u180e"
              "\u115f\u1160\u3164\uffa0\ud800-\udfff")
_STRIP = re.compile(f"[{_CONTROL}{_INVISIBLE}]")
_SLACK_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITY_CHARS = {"amp": "&", "lt": "<", "gt": ">"}


def clean_text(raw: str | None, *, single_line: bool = False) -> str:
    """`raw` without control characters, bidi overrides or lone surrogates; CRLF becomes LF.
    `single_line` also folds every run of whitespace (newlines included) into one space and trims."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _STRIP.sub("", text)
    if single_line:
        text = re.sub(r"\s+", " ", text).strip()
    return text


def unescape_slack(text: str) -> str:
    """Undo Slack's escaping of slash-command text (`&amp;`, `&lt;`, `&gt;`), in one pass, so a typed
    `&amp;lt;` comes back as `&lt;` and not as `<`."""
    return _SLACK_ENTITY.sub(lambda m: _ENTITY_CHARS[m.group(1)], text)


_SLACK_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def typed_text(slash_text: str) -> str:
    """Slash-command text as the person typed it, on one line: Slack's tokens (<@U1|ann>, <#C1|general>,
    <!here>, <https://…|label>) become the words they show, and Slack's escaping is undone once."""
    def words(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "#")):
            return target[0] + label if label else target
        if target.startswith("!"):
            return "@" + (label or target[1:]).split("^")[0].lstrip("@")
        return label or target

    return clean_text(unescape_slack(_SLACK_TOKEN.sub(words, slash_text)), single_line=True)


def require_length(text: str, limit: int, what: str) -> str:
    """Refuse text longer than its column, with a line naming the field."""
    if len(text) > limit:
        raise UserError(f"{what} is {len(text):,} characters long; keep it to {limit:,}.")
    return text


def rest_after(text: str, word_count: int) -> str:
    """The text after the first `word_count` words, with its own spacing and case kept."""
    rest = text.strip()
    for _ in range(word_count):
        parts = rest.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest.strip()
