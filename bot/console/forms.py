"""Modal fields in the console: what a person types, turned into Slack's view state values."""

from __future__ import annotations

from typing import Any

from bot.console.render import InputRef

TEXT_KINDS = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
SINGLE_CHOICE = {"static_select", "radio_buttons", "external_select"}
MULTI_CHOICE = {"multi_static_select", "checkboxes", "multi_external_select"}


class FieldError(ValueError):
    pass


def _option(field: InputRef, typed: str) -> dict[str, Any]:
    typed = typed.strip()
    for index, (value, label) in enumerate(field.options, start=1):
        if typed in (value, label) or typed.lower() == label.lower() or typed == str(index):
            return {"text": {"type": "plain_text", "text": label}, "value": value}
    choices = ", ".join(f"{i}={label}" for i, (_, label) in enumerate(field.options, start=1))
    raise FieldError(f"{typed!r} is not one of: {choices}")


def state_value(field: InputRef, typed: str | None, resolve_user, resolve_channel) -> dict[str, Any]:
    """Slack's `view.state.values[block][action]` entry for `typed` (None = left empty)."""
    kind = field.kind
    state: dict[str, Any] = {"type": kind}
    empty = typed is None or not typed.strip()
    if kind in TEXT_KINDS:
        state["value"] = None if empty else typed
    elif kind in SINGLE_CHOICE:
        state["selected_option"] = None if empty else _option(field, typed)
    elif kind in MULTI_CHOICE:
        state["selected_options"] = [] if empty else [_option(field, part) for part in typed.split(",")]
    elif kind == "users_select":
        state["selected_user"] = None if empty else resolve_user(typed)
    elif kind == "multi_users_select":
        state["selected_users"] = [] if empty else [resolve_user(part) for part in typed.split(",")]
    elif kind in ("conversations_select", "channels_select"):
        key = "selected_conversation" if kind == "conversations_select" else "selected_channel"
        state[key] = None if empty else resolve_channel(typed)
    elif kind == "datepicker":
        state["selected_date"] = None if empty else typed.strip()
    elif kind == "timepicker":
        state["selected_time"] = None if empty else typed.strip()
    else:
        state["value"] = None if empty else typed
    return state


def initial_text(field: InputRef) -> str | None:
    """The initial value as a person would type it (option labels for choices)."""
    if field.initial is None:
        return None
    values = field.initial if isinstance(field.initial, tuple) else (field.initial,)
    labels = dict(field.options)
    return ",".join(labels.get(value, value) for value in values)
