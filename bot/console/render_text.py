"""Text helpers for the console renderer (see ``bot.console.render``).

Turns Slack text into plain terminal text: mrkdwn escapes (mentions, links,
dates, HTML entities), text composition objects, ``rich_text`` structures,
and wraps the result to a terminal width.  Pure functions, standard library
only, and tolerant of malformed input: nothing here raises on odd values.
"""

from __future__ import annotations

import re
import textwrap
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "as_list",
    "as_str",
    "format_slack_date",
    "mrkdwn_to_text",
    "rich_text_to_text",
    "text_of",
    "wrap_text",
]

_ESCAPE_RE = re.compile(r"<([^<>]*)>")
_DATE_TOKEN_RE = re.compile(r"\{(\w+)\}")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A leading list/quote marker whose continuation lines should stay aligned.
_LEAD_RE = re.compile(r"^(\s*(?:>\s?|[•◦▪\-]\s+|\d+\.\s+)?)")


# --------------------------------------------------------------------------- coercion


def as_str(value: Any) -> str:
    """``value`` if it is a string, its decimal form if it is a number, else ``""``."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def as_list(value: Any) -> list:
    """``value`` if it is a list or tuple (as a list), else an empty list."""
    return list(value) if isinstance(value, (list, tuple)) else []


def text_of(obj: Any) -> str:
    """Plain text of a Slack text composition object (``plain_text`` or ``mrkdwn``).

    A bare string is taken as plain text; anything else gives ``""``.
    """
    if isinstance(obj, str):
        return obj
    if not isinstance(obj, dict):
        return ""
    text = as_str(obj.get("text"))
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_text(text)
    return text


# --------------------------------------------------------------------------- mrkdwn


def mrkdwn_to_text(text: Any) -> str:
    """Convert Slack mrkdwn to readable terminal text.

    Angle-bracket escapes become readable mentions and links, the three HTML
    entities Slack uses are unescaped, and emphasis markers (``*bold*``,
    ``_italic_``, ``~strike~``, backticks) and emoji shortcodes are left as
    they are.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = as_str(text)
    converted = _ESCAPE_RE.sub(_replace_escape, text)
    # &amp; last, so that an escaped "&amp;lt;" ends up as the literal "&lt;".
    return converted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _replace_escape(match: re.Match[str]) -> str:
    inner = match.group(1)
    if not inner.strip():
        return match.group(0)
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # user: <@U123> / <@U123|alice>
        return "@" + (label.lstrip("@") or target[1:])
    if target.startswith("#"):  # channel: <#C123> / <#C123|churn>
        return "#" + (label.lstrip("#") or target[1:])
    if target.startswith("!"):
        command = target[1:]
        if command.startswith("subteam^"):  # <!subteam^S1|@team>
            return "@" + (label.lstrip("@") or command[len("subteam^"):])
        if command.startswith("date^"):  # <!date^ts^format^optional_link|fallback>
            if label:
                return label
            parts = command.split("^")
            return format_slack_date(parts[1], parts[2] if len(parts) > 2 else "")
        # <!here>, <!channel>, <!everyone>, and anything else special.
        return "@" + (label.lstrip("@") or command)
    # A link: <https://x>, <https://x|label>, <mailto:a@b|a@b>.
    url = target
    if not label or label == url or url == "mailto:" + label:
        return label or url
    return f"{label} ({url})"


def format_slack_date(timestamp: Any, fmt: str = "") -> str:
    """Render a Slack date token string (``{date_short} at {time}``) for a Unix timestamp, in UTC.

    Deterministic and locale-independent; ``{ago}`` is shown as an absolute
    time.  An unparseable timestamp is returned as given.
    """
    try:
        moment = datetime.fromtimestamp(int(float(timestamp)), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return as_str(timestamp)
    month = _MONTHS[moment.month - 1]
    date_long = f"{_WEEKDAYS[moment.weekday()]}, {month} {moment.day}, {moment.year}"
    values = {
        "date_num": f"{moment:%Y-%m-%d}",
        "date": f"{month} {moment.day}, {moment.year}",
        "date_short": f"{month[:3]} {moment.day}, {moment.year}",
        "date_long": date_long,
        "day_divider_pretty": date_long,
        "time": f"{moment:%H:%M} UTC",
        "time_secs": f"{moment:%H:%M:%S} UTC",
        "ago": f"{moment:%Y-%m-%d %H:%M} UTC",
    }
    for key in ("date", "date_short", "date_long"):
        values[key + "_pretty"] = values[key]
    if not isinstance(fmt, str) or not fmt.strip():
        return values["ago"]
    return _DATE_TOKEN_RE.sub(lambda m: values.get(m.group(1), m.group(0)), fmt)


# --------------------------------------------------------------------------- rich_text


def rich_text_to_text(block: Any) -> str:
    """Flatten a ``rich_text`` block (or ``rich_text_input`` value) to text.

    Sections become lines, lists get ``• `` / ``1. `` markers (indented by
    level), preformatted text is fenced with ```, quotes get ``> ``.
    Inline styles are shown with mrkdwn markers (``*bold*`` etc).
    """
    if not isinstance(block, dict):
        return ""
    parts: list[str] = []
    for element in as_list(block.get("elements")):
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind == "rich_text_list":
            parts.append(_rich_list(element))
            continue
        inline = _drop_final_newline(_rich_inline(element.get("elements")))
        if kind == "rich_text_preformatted":
            parts.append(f"```\n{inline}\n```")
        elif kind == "rich_text_quote":
            parts.append("\n".join("> " + line for line in inline.split("\n")))
        else:  # rich_text_section and anything unknown that has inline elements
            parts.append(inline)
    return "\n".join(parts)


def _rich_list(element: dict) -> str:
    ordered = element.get("style") == "ordered"
    indent = element.get("indent")
    indent = indent if isinstance(indent, int) and 0 <= indent <= 10 else 0
    offset = element.get("offset")
    offset = offset if isinstance(offset, int) and offset >= 0 else 0
    pad = "  " * indent
    lines: list[str] = []
    items = [item for item in as_list(element.get("elements")) if isinstance(item, dict)]
    for position, item in enumerate(items):
        marker = f"{offset + position + 1}. " if ordered else "• "
        item_lines = _drop_final_newline(_rich_inline(item.get("elements"))).split("\n")
        lines.append(pad + marker + item_lines[0])
        lines.extend(pad + " " * len(marker) + rest for rest in item_lines[1:])
    return "\n".join(lines)


def _drop_final_newline(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text


def _rich_inline(elements: Any) -> str:
    return "".join(_rich_piece(el) for el in as_list(elements) if isinstance(el, dict))


def _rich_piece(element: dict) -> str:
    kind = element.get("type")
    if kind == "text":
        return _styled(as_str(element.get("text")), element.get("style"))
    if kind == "link":
        url = as_str(element.get("url"))
        label = as_str(element.get("text"))
        shown = f"{label} ({url})" if label and url and label != url else (label or url)
        return _styled(shown, element.get("style"))
    if kind == "user":
        return "@" + as_str(element.get("user_id"))
    if kind == "usergroup":
        return "@" + as_str(element.get("usergroup_id"))
    if kind == "channel":
        return "#" + as_str(element.get("channel_id"))
    if kind == "team":
        return "@" + as_str(element.get("team_id"))
    if kind == "broadcast":
        return "@" + as_str(element.get("range"))
    if kind == "emoji":
        name = as_str(element.get("name"))
        return f":{name}:" if name else ""
    if kind == "date":
        fallback = as_str(element.get("fallback"))
        return fallback or format_slack_date(element.get("timestamp"), as_str(element.get("format")))
    if kind == "color":
        return as_str(element.get("value"))
    return as_str(element.get("text"))


def _styled(text: str, style: Any) -> str:
    if not isinstance(style, dict) or not text.strip():
        return text
    if style.get("code"):
        text = f"`{text}`"
    if style.get("strike"):
        text = f"~{text}~"
    if style.get("italic"):
        text = f"_{text}_"
    if style.get("bold"):
        text = f"*{text}*"
    return text


# --------------------------------------------------------------------------- wrapping


def wrap_text(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap ``text`` to ``width`` columns, keeping its own line breaks.

    Every output line starts with ``indent``.  Lines inside ``` fences are
    kept verbatim (code must not be reflowed); long words and URLs are never
    split; continuation lines of a list item or quote stay aligned with it.
    Blank text gives no lines at all.
    """
    if not text.strip():
        return []
    lines: list[str] = []
    in_code = False
    for raw in text.split("\n"):
        fences = raw.count("```")
        if in_code or fences:
            lines.append((indent + raw).rstrip())
        elif not raw.strip():
            lines.append("")
        else:
            lead = _LEAD_RE.match(raw).group(1)
            follow = lead if lead.lstrip().startswith(">") else " " * len(lead)
            lines.extend(
                textwrap.wrap(
                    raw,
                    width=max(width, len(indent) + len(follow) + 1),
                    initial_indent=indent,
                    subsequent_indent=indent + follow,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
        if fences % 2:
            in_code = not in_code
    return lines
