"""Block Kit checks with Slack's own limits, as pure functions.

Slack rejects bad blocks only at send time, so the bot must learn about a 3,001-char
section in tests, not in production. Every check returns a list of ``Problem``
(empty = fine); ``str(problem)`` renders the line Slack puts in
``response_metadata.messages``, e.g.
``[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]``.

Only limits Slack documents (or demonstrably enforces) are checked; anything else
is let through rather than guessed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
# Slack says "250 kB"; the exact byte count is not documented.
MAX_VIEW_BYTES = 250_000

BLOCK_TYPES = frozenset(
    {
        "section", "header", "divider", "context", "actions", "input", "image",
        "rich_text", "markdown", "file", "video", "context_actions",
    }
)
SELECT_TYPES = frozenset(
    {
        "static_select", "multi_static_select", "external_select", "multi_external_select",
        "users_select", "multi_users_select", "conversations_select",
        "multi_conversations_select", "channels_select", "multi_channels_select",
    }
)
ELEMENT_TYPES = SELECT_TYPES | frozenset(
    {
        "button", "datepicker", "timepicker", "datetimepicker", "plain_text_input",
        "number_input", "checkboxes", "radio_buttons", "overflow", "image",
        "email_text_input", "url_text_input", "rich_text_input", "file_input",
        "workflow_button",
    }
)
# Elements that only show something and cannot sit where input is collected.
_NOT_INPUT = frozenset({"button", "overflow", "image", "workflow_button"})
_CONTEXT_ELEMENTS = frozenset({"image", "plain_text", "mrkdwn"})
_TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
# Most options a list may hold, per element type (Slack's documented maxima).
_MAX_OPTIONS = {"checkboxes": 10, "radio_buttons": 10, "overflow": 5}
_MAX_SELECT_OPTIONS = 100


@dataclass(frozen=True)
class Problem:
    """One violation, located by a JSON pointer into the request arguments."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"[ERROR] {self.message} [json-pointer:{self.pointer}]"


def check_message_blocks(blocks: Any, *, pointer: str = "/blocks") -> list[Problem]:
    """Blocks of a chat.postMessage / chat.update call (at most 50)."""
    return _Checker().blocks(blocks, pointer, MAX_MESSAGE_BLOCKS)


def check_message_text(text: Any) -> list[Problem]:
    """Slack refuses message text over 40,000 characters (``msg_too_long``)."""
    if isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
        return [Problem("/text", f"must be less than {MAX_MESSAGE_TEXT + 1} characters")]
    return []


def check_view(view: Any, *, expected_type: str | None = None, pointer: str = "/view") -> list[Problem]:
    """A modal or Home tab view; ``expected_type`` pins ``modal`` or ``home``."""
    checker = _Checker()
    if not isinstance(view, dict):
        return [Problem(pointer, "must provide an object")]
    problems = checker.problems
    view_type = view.get("type")
    allowed = (expected_type,) if expected_type else ("modal", "home")
    if view_type not in allowed:
        problems.append(Problem(f"{pointer}/type", f"must be one of: {', '.join(allowed)}"))
        return problems
    if view_type == "modal":
        if "title" not in view:
            problems.append(Problem(f"{pointer}/title", "must provide an object"))
        else:
            checker.text(view["title"], f"{pointer}/title", 24, plain_only=True)
    for key in ("submit", "close"):
        if view.get(key) is not None:
            checker.text(view[key], f"{pointer}/{key}", 24, plain_only=True)
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        checker.string(view.get(key), f"{pointer}/{key}", limit)
    blocks = view.get("blocks")
    if blocks is None:
        problems.append(Problem(f"{pointer}/blocks", "must provide an array"))
    else:
        checker.blocks(blocks, f"{pointer}/blocks", MAX_VIEW_BLOCKS)
    has_input = isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if view_type == "modal" and has_input and view.get("submit") is None:
        problems.append(Problem(f"{pointer}/submit", "must provide a submit button when the view has input blocks"))
    return problems


def view_too_large(view: Any) -> bool:
    """True when the view's JSON exceeds Slack's 250 kB (answered as ``view_too_large``)."""
    return len(json.dumps(view, ensure_ascii=False).encode("utf-8")) > MAX_VIEW_BYTES


class _Checker:
    """Walks one surface, remembering block_ids (unique per message or view)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.block_ids: set[str] = set()

    def add(self, pointer: str, message: str) -> None:
        self.problems.append(Problem(pointer, message))

    # -- primitives -------------------------------------------------------
    def string(self, value: Any, pointer: str, max_len: int, *, required: bool = False) -> bool:
        if value is None:
            if required:
                self.add(pointer, "must provide a string")
            return False
        if not isinstance(value, str):
            self.add(pointer, "must provide a string")
            return False
        if len(value) > max_len:
            self.add(pointer, f"must be less than {max_len + 1} characters")
            return False
        return True

    def text(self, obj: Any, pointer: str, max_len: int, *, plain_only: bool = False) -> None:
        """A text object: {"type": "plain_text"|"mrkdwn", "text": non-empty str}."""
        if not isinstance(obj, dict):
            self.add(pointer, "must provide an object")
            return
        kind = obj.get("type")
        allowed = {"plain_text"} if plain_only else _TEXT_TYPES
        if kind not in allowed:
            self.add(f"{pointer}/type", f"must be one of: {', '.join(sorted(allowed))}")
            return
        text = obj.get("text")
        if not isinstance(text, str):
            self.add(f"{pointer}/text", "must provide a string")
        elif not text:
            self.add(f"{pointer}/text", "must be more than 0 characters")
        elif len(text) > max_len:
            self.add(f"{pointer}/text", f"must be less than {max_len + 1} characters")

    def items(self, value: Any, pointer: str, max_items: int, *, min_items: int = 0) -> list[Any]:
        if not isinstance(value, list):
            self.add(pointer, "must provide an array")
            return []
        if len(value) > max_items:
            self.add(pointer, f"no more than {max_items} items allowed")
        elif len(value) < min_items:
            self.add(pointer, f"must provide at least {min_items} items")
        return value

    # -- blocks -----------------------------------------------------------
    def blocks(self, blocks: Any, pointer: str, max_blocks: int) -> list[Problem]:
        for index, block in enumerate(self.items(blocks, pointer, max_blocks)):
            self.block(block, f"{pointer}/{index}")
        return self.problems

    def block(self, block: Any, pointer: str) -> None:
        kind = self.typed(block, pointer, BLOCK_TYPES)
        if kind is None:
            return
        self.unique_id(block, "block_id", pointer, self.block_ids)
        getattr(self, f"_block_{kind}")(block, pointer)

    def _block_section(self, block: dict[str, Any], pointer: str) -> None:
        if "text" not in block and "fields" not in block:
            self.add(pointer, "must provide either text or fields")
        if "text" in block:
            self.text(block["text"], f"{pointer}/text", 3000)
        if "fields" in block:
            for i, field in enumerate(self.items(block["fields"], f"{pointer}/fields", 10, min_items=1)):
                self.text(field, f"{pointer}/fields/{i}", 2000)
        if block.get("accessory") is not None:
            self.element(block["accessory"], f"{pointer}/accessory", set())

    def _block_header(self, block: dict[str, Any], pointer: str) -> None:
        self.text(block.get("text"), f"{pointer}/text", 150, plain_only=True)

    def _block_divider(self, block: dict[str, Any], pointer: str) -> None:
        return None

    def _block_context(self, block: dict[str, Any], pointer: str) -> None:
        for i, el in enumerate(self.items(block.get("elements"), f"{pointer}/elements", 10, min_items=1)):
            at = f"{pointer}/elements/{i}"
            kind = el.get("type") if isinstance(el, dict) else None
            if kind not in _CONTEXT_ELEMENTS:
                self.add(at, "must be an image element or a text object")
            elif kind == "image":
                self._image(el, at)
            else:
                self.text(el, at, 3000)

    def _block_actions(self, block: dict[str, Any], pointer: str) -> None:
        action_ids: set[str] = set()
        for i, el in enumerate(self.items(block.get("elements"), f"{pointer}/elements", 25, min_items=1)):
            self.element(el, f"{pointer}/elements/{i}", action_ids)

    def _block_input(self, block: dict[str, Any], pointer: str) -> None:
        self.text(block.get("label"), f"{pointer}/label", 2000, plain_only=True)
        if block.get("hint") is not None:
            self.text(block["hint"], f"{pointer}/hint", 2000, plain_only=True)
        element = block.get("element")
        if element is None:
            self.add(f"{pointer}/element", "must provide an object")
        elif isinstance(element, dict) and element.get("type") in _NOT_INPUT:
            self.add(f"{pointer}/element/type", f"unsupported type: {element.get('type')}")
        else:
            self.element(element, f"{pointer}/element", set())

    def _block_image(self, block: dict[str, Any], pointer: str) -> None:
        self._image(block, pointer)
        if block.get("title") is not None:
            self.text(block["title"], f"{pointer}/title", 2000, plain_only=True)

    def _block_rich_text(self, block: dict[str, Any], pointer: str) -> None:
        self.items(block.get("elements"), f"{pointer}/elements", 10**6)

    def _block_markdown(self, block: dict[str, Any], pointer: str) -> None:
        self.string(block.get("text"), f"{pointer}/text", 12_000, required=True)

    def _block_file(self, block: dict[str, Any], pointer: str) -> None:
        for key in ("external_id", "source"):
            self.string(block.get(key), f"{pointer}/{key}", 255, required=True)

    def _block_video(self, block: dict[str, Any], pointer: str) -> None:
        self.text(block.get("title"), f"{pointer}/title", 200, plain_only=True)
        for key in ("alt_text", "thumbnail_url", "video_url"):
            self.string(block.get(key), f"{pointer}/{key}", 3000, required=True)

    def _block_context_actions(self, block: dict[str, Any], pointer: str) -> None:
        self.items(block.get("elements"), f"{pointer}/elements", 5, min_items=1)

    def typed(self, obj: Any, pointer: str, known: Any) -> str | None:
        """The object's `type` if it is an object of a known type; otherwise note the problem."""
        if not isinstance(obj, dict):
            self.add(pointer, "must provide an object")
            return None
        kind = obj.get("type")
        if kind not in known:
            self.add(f"{pointer}/type", f"unsupported type: {kind}" if isinstance(kind, str) else "must provide a string")
            return None
        return kind

    def unique_id(self, obj: dict, key: str, pointer: str, seen: set[str]) -> None:
        """An optional id of at most 255 characters, not used before within `seen`."""
        value = obj.get(key)
        if self.string(value, f"{pointer}/{key}", 255):
            if value in seen:
                self.add(f"{pointer}/{key}", f'`{key}` "{value}" already exists')
            seen.add(value)

    # -- elements ---------------------------------------------------------
    def element(self, el: Any, pointer: str, action_ids: set[str]) -> None:
        """An interactive element; ``action_ids`` are those already used in the same block."""
        kind = self.typed(el, pointer, ELEMENT_TYPES)
        if kind is None:
            return
        self.unique_id(el, "action_id", pointer, action_ids)
        if el.get("placeholder") is not None:
            self.text(el["placeholder"], f"{pointer}/placeholder", 150, plain_only=True)
        if kind == "button":
            self._button(el, pointer)
        elif kind == "image":
            self._image(el, pointer)
        elif kind == "number_input" and not isinstance(el.get("is_decimal_allowed"), bool):
            self.add(f"{pointer}/is_decimal_allowed", "must provide a boolean")
        elif kind == "plain_text_input":
            for key in ("min_length", "max_length"):
                value = el.get(key)
                if value is not None and (not isinstance(value, int) or not 0 <= value <= 3000):
                    self.add(f"{pointer}/{key}", "must be an integer from 0 to 3000")
        if kind in SELECT_TYPES or kind in _MAX_OPTIONS:
            self._options(el, pointer, kind)

    def _button(self, el: dict[str, Any], pointer: str) -> None:
        self.text(el.get("text"), f"{pointer}/text", 75, plain_only=True)
        self.string(el.get("value"), f"{pointer}/value", 2000)
        self.string(el.get("url"), f"{pointer}/url", 3000)
        if el.get("style") is not None and el["style"] not in ("primary", "danger"):
            self.add(f"{pointer}/style", "must be one of: primary, danger")

    def _image(self, el: dict[str, Any], pointer: str) -> None:
        if el.get("image_url") is None and el.get("slack_file") is None:
            self.add(f"{pointer}/image_url", "must provide either image_url or slack_file")
        self.string(el.get("image_url"), f"{pointer}/image_url", 3000)
        self.string(el.get("alt_text"), f"{pointer}/alt_text", 2000, required=True)

    def _options(self, el: dict[str, Any], pointer: str, kind: str) -> None:
        plain_only = kind in SELECT_TYPES or kind == "overflow"
        max_items = _MAX_OPTIONS.get(kind, _MAX_SELECT_OPTIONS)
        if el.get("options") is not None:
            self._option_list(el["options"], f"{pointer}/options", max_items, plain_only)
        if el.get("option_groups") is not None:
            groups = self.items(el["option_groups"], f"{pointer}/option_groups", _MAX_SELECT_OPTIONS)
            for g, group in enumerate(groups):
                at = f"{pointer}/option_groups/{g}"
                if not isinstance(group, dict):
                    self.add(at, "must provide an object")
                    continue
                self.text(group.get("label"), f"{at}/label", 75, plain_only=True)
                self._option_list(group.get("options"), f"{at}/options", _MAX_SELECT_OPTIONS, True)

    def _option_list(self, options: Any, pointer: str, max_items: int, plain_only: bool) -> None:
        for i, option in enumerate(self.items(options, pointer, max_items)):
            at = f"{pointer}/{i}"
            if not isinstance(option, dict):
                self.add(at, "must provide an object")
                continue
            self.text(option.get("text"), f"{at}/text", 75, plain_only=plain_only)
            self.string(option.get("value"), f"{at}/value", 150, required=True)
            if option.get("description") is not None:
                self.text(option["description"], f"{at}/description", 75, plain_only=True)
            self.string(option.get("url"), f"{at}/url", 3000)
