"""Putting text into fields Slack parses (message `text`, mrkdwn objects): user text goes through
`escape` exactly once; our own mentions, channel links and dates are made by the small helpers here
from ids we trust, never by escaping. plain_text objects (headers, labels, titles, inputs) are not
parsed for mentions or marks, so user text goes there raw.

Slack mrkdwn has no backslash escape for `*`, `_`, `~` and `` ` ``. A name like `snake_case *v2*`
inside `*…*` would otherwise end the bold early or turn half of it italic. We put each run of those
characters in a date token with an invalid format, `<!date^00000000^{_}|*>`: Slack always shows such a
token's fallback, and shows it as plain text (the technique of jsx-slack's `<Escape>`). Unlike
lookalike characters it keeps the very character the person typed (copying, search and screen
readers see `*`), and unlike zero-width separators it does not depend on how each client pairs marks.
The console renders the token as its fallback, i.e. the plain character.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.text import unescape_slack

# A run of formatting marks, and the token that shows it literally.
_MARKS = re.compile(r"[*_~`]+")
_LITERAL_TOKEN = "<!date^00000000^{{_}}|{}>"
# `:white_check_mark:` is an emoji, not italics: its underscores stay as they are (slash text carries
# emoji as shortcodes). Only underscores between letters or digits, which cannot open or close italics.
_SHORTCODE = re.compile(r"(:(?:[a-z0-9+'\-]|(?<=[a-z0-9])_(?=[a-z0-9]))+:)")
# Slack's ids: users U…/W… (B… for bots), conversations C…/G…/D….
_USER_ID = re.compile(r"[UWB][A-Z0-9]{2,40}")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,40}")
# What a clip must not cut in half: `<…>` tokens and the three entities.
_UNSPLITTABLE = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);")
_TOKEN = re.compile(r"(<[^<>]*>)")
_CODE_SPAN = re.compile(r"`([^`]*)`")
# A code span cannot hold a backtick; this lookalike (MODIFIER LETTER GRAVE ACCENT) stands in.
_BACKTICK_LOOKALIKE = "\u02cb"


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape(text: str) -> str:
    """User text for a Slack `text` or mrkdwn field: no live mention, link or command can come out of
    it, and its `*`, `_`, `~`, `` ` `` show as typed. Apply once, to raw text, where it is composed."""
    pieces = _SHORTCODE.split(_entities(text))
    return "".join(piece if index % 2 else _literal_marks(piece) for index, piece in enumerate(pieces))


def _literal_marks(text: str) -> str:
    return _MARKS.sub(lambda m: _LITERAL_TOKEN.format(m.group(0)), text)


def code(text: str) -> str:
    """`text` as an inline code span. Marks are literal inside code, so only the entities are escaped
    and a backtick (which would end the span) becomes a lookalike."""
    return "`" + _entities(text).replace("`", _BACKTICK_LOOKALIKE) + "`"


def user(user_id: str) -> str:
    """A mention of a user whose id we hold; anything that is not an id is shown as text."""
    return f"<@{user_id}>" if _USER_ID.fullmatch(user_id or "") else escape(user_id or "")


def channel(channel_id: str) -> str:
    """A link to a conversation whose id we hold; anything that is not an id is shown as text."""
    return f"<#{channel_id}>" if _CHANNEL_ID.fullmatch(channel_id or "") else escape(channel_id or "")


def slack_date(moment: datetime, fallback_format: str = "%Y-%m-%d %H:%M UTC") -> str:
    """A date each reader sees in their own time zone, with a UTC fallback."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{moment.strftime(fallback_format)}>"


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, never inside a token or an entity."""
    if len(text) <= limit:
        return text
    cut = max(limit - 1, 0)
    for token in _UNSPLITTABLE.finditer(text):
        if token.start() >= cut:
            break
        if token.end() > cut:
            cut = token.start()
            break
    return text[:cut] + "…"


def without_marks(text: str) -> str:
    """mrkdwn we composed, for a notification line: `*` dropped, code spans turned into text whose marks
    show literally (as `escape` shows them), tokens left whole."""
    def unmarked(piece: str) -> str:
        spans = _CODE_SPAN.split(piece)  # odd pieces: a code span's content
        return "".join(_literal_marks(span) if index % 2 else span.replace("*", "")
                       for index, span in enumerate(spans))

    return "".join(piece if index % 2 else unmarked(piece) for index, piece in enumerate(_TOKEN.split(text)))


def to_plain(text: str) -> str:
    """mrkdwn we composed, for a field Slack shows as plain text (modal field errors): tokens become
    words, marks are dropped and the entities are undone once."""
    def word(token: str) -> str:
        inner = token[1:-1]
        target, _, label = inner.partition("|")
        if target.startswith("!date^"):
            return label
        if target.startswith("#"):
            return "#" + label if label else "another channel"
        if target.startswith("@"):
            return "@" + label if label else "someone"
        return label or target

    pieces = _TOKEN.split(text)
    plain = "".join(word(piece) if index % 2 else piece.replace("*", "").replace("`", "")
                    for index, piece in enumerate(pieces))
    return unescape_slack(plain)
