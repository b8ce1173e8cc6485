"""Result types of the console renderer; import them from ``bot.console.render``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ButtonRef", "InputRef", "Rendered"]


@dataclass(frozen=True)
class ButtonRef:
    """Something the person can press by ``number``.

    ``kind`` is the element type: ``"button"``, ``"workflow_button"``, or
    ``"overflow"`` (one ButtonRef per overflow option: ``value`` is that
    option's value, so the REPL can send it as ``selected_option``).
    ``confirm`` is the text of the element's confirmation dialog, if any.
    """

    number: int
    label: str
    action_id: str
    block_id: str | None
    value: str | None
    url: str | None
    style: str | None
    kind: str = "button"
    confirm: str | None = None


@dataclass(frozen=True)
class InputRef:
    """An input block's element: what the REPL must ask for on submit."""

    block_id: str
    action_id: str
    label: str
    kind: str
    optional: bool
    multiline: bool
    options: tuple[tuple[str, str], ...]
    initial: str | tuple[str, ...] | None
    placeholder: str | None
    hint: str | None


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: tuple[ButtonRef, ...]
    inputs: tuple[InputRef, ...]

