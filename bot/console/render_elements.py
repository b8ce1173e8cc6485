"""Block Kit element helpers for the console renderer: options, initial values, small tokens."""

from __future__ import annotations

from typing import Any

from bot.console.render_text import as_list, as_str, format_slack_date, rich_text_to_text, text_of

SELECT_KINDS = frozenset(
    f"{prefix}{base}_select"
    for prefix in ("", "multi_")
    for base in ("static", "external", "users", "conversations", "channels")
)
TEXT_INPUT_KINDS = frozenset(
    {"plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input"}
)
# Element type -> the key holding its initial value and how to show it.
_INITIAL_IDS = {
    "users_select": ("initial_user", "@"),
    "multi_users_select": ("initial_users", "@"),
    "conversations_select": ("initial_conversation", "#"),
    "multi_conversations_select": ("initial_conversations", "#"),
    "channels_select": ("initial_channel", "#"),
    "multi_channels_select": ("initial_channels", "#"),
}


def block_id_of(block: dict) -> str | None:
    return as_str(block.get("block_id")) or None


def image_token(element: dict) -> str:
    return f"[image: {as_str(element.get('alt_text')) or 'image'}]"


def slack_file_ref(slack_file: Any) -> str:
    if not isinstance(slack_file, dict):
        return ""
    return as_str(slack_file.get("url")) or as_str(slack_file.get("id"))


def confirm_text(confirm: Any) -> str | None:
    if not isinstance(confirm, dict):
        return None
    parts = [text_of(confirm.get("title")).strip(), text_of(confirm.get("text")).strip()]
    return " - ".join(part for part in parts if part) or None


def parse_option(option: Any) -> tuple[str, str, dict] | None:
    if not isinstance(option, dict):
        return None
    label = text_of(option.get("text")).strip()
    value = as_str(option.get("value")) or label
    return value, label or value, option


def options_of(element: dict) -> list[tuple[str, str, dict]]:
    """(value, label, raw option) for options and option_groups, in order."""
    raw = as_list(element.get("options"))
    for group in as_list(element.get("option_groups")):
        if isinstance(group, dict):
            raw += as_list(group.get("options"))
    return [parsed for parsed in map(parse_option, raw) if parsed]


def initial_of(element: dict, kind: str) -> tuple[str | tuple[str, ...] | None, str]:
    """The element's initial value (as InputRef.initial) and a readable form of it."""
    if kind in _INITIAL_IDS:
        key, sigil = _INITIAL_IDS[kind]
        raw = element.get(key)
        if kind.startswith("multi_"):
            ids = tuple(filter(None, map(as_str, as_list(raw))))
            return (ids or None), ", ".join(sigil + i for i in ids)
        ident = as_str(raw)
        return (ident or None), (sigil + ident if ident else "")
    if kind.startswith("multi_") or kind == "checkboxes":
        chosen = [parsed for parsed in map(parse_option, as_list(element.get("initial_options"))) if parsed]
        values = tuple(value for value, _, _ in chosen)
        return (values or None), ", ".join(label for _, label, _ in chosen)
    if "initial_option" in element:
        chosen_one = parse_option(element.get("initial_option"))
        return (chosen_one[0], chosen_one[1]) if chosen_one else (None, "")
    if kind == "datepicker":
        value = as_str(element.get("initial_date"))
    elif kind == "timepicker":
        value = as_str(element.get("initial_time"))
    elif kind == "datetimepicker":
        value = as_str(element.get("initial_date_time"))
        return (value or None), (format_slack_date(value, "{date_num} {time}") if value else "")
    elif kind == "rich_text_input":
        value = rich_text_to_text(element.get("initial_value"))
    else:
        value = as_str(element.get("initial_value"))
    return (value or None), value
