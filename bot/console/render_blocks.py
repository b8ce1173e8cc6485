"""Block-by-block rendering for the console renderer (see ``bot.console.render``)."""

from __future__ import annotations

from typing import Any

from bot.console.render_elements import (
    SELECT_KINDS,
    TEXT_INPUT_KINDS,
    block_id_of,
    confirm_text,
    image_token,
    initial_of,
    options_of,
    slack_file_ref,
)
from bot.console.render_text import as_list, as_str, mrkdwn_to_text, rich_text_to_text, text_of, wrap_text
from bot.console.render_types import ButtonRef, InputRef, Rendered

__all__ = ["BlockRenderer"]

MIN_WIDTH = 20


class BlockRenderer:
    def __init__(self, first_button_number: Any, width: Any) -> None:
        self.next_number = first_button_number if isinstance(first_button_number, int) else 1
        self.width = max(width, MIN_WIDTH) if isinstance(width, int) else 100
        self.buttons: list[ButtonRef] = []
        self.inputs: list[InputRef] = []

    def result(self, lines: list[str], *, empty: str) -> Rendered:
        text = "\n".join(line.rstrip() for line in lines).strip("\n")
        return Rendered(text or empty, tuple(self.buttons), tuple(self.inputs))

    # ----------------------------------------------------------------- blocks

    def blocks(self, blocks: Any) -> list[str]:
        lines: list[str] = []
        for index, block in enumerate(as_list(blocks)):
            saved = (self.next_number, len(self.buttons), len(self.inputs))
            try:
                lines.extend(self.block(block, index))
            except Exception:  # last-resort guard: a console must not die on one odd block
                self.next_number = saved[0]
                del self.buttons[saved[1]:]
                del self.inputs[saved[2]:]
                lines.append("[unrenderable block]")
        return lines

    def block(self, block: Any, index: int) -> list[str]:
        if not isinstance(block, dict):
            return ["[invalid block]"]
        kind = block.get("type")
        handler = _BLOCK_HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            shown = "?" if kind is None else str(kind)[:40]
            return [f"[unsupported block: {shown}]"]
        return handler(self, block, index)

    def header(self, block: dict, index: int) -> list[str]:
        lines = wrap_text(text_of(block.get("text")).strip(), self.width)
        if not lines:
            return []
        return lines + ["=" * min(max(len(line) for line in lines), self.width)]

    def section(self, block: dict, index: int) -> list[str]:
        lines = wrap_text(text_of(block.get("text")), self.width)
        for field in as_list(block.get("fields")):
            lines += wrap_text(text_of(field), self.width, indent="  ")
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            lines += self.element_row([accessory], block_id_of(block))
        return lines

    def divider(self, block: dict, index: int) -> list[str]:
        return ["-" * min(self.width, 40)]

    def context(self, block: dict, index: int) -> list[str]:
        parts = []
        for element in as_list(block.get("elements")):
            if isinstance(element, dict) and element.get("type") == "image":
                parts.append(image_token(element))
            else:
                text = text_of(element).strip()
                if text:
                    parts.append(text)
        return wrap_text("  ·  ".join(parts), self.width, indent="  ") if parts else []

    def actions(self, block: dict, index: int) -> list[str]:
        return self.element_row(as_list(block.get("elements")), block_id_of(block))

    def image(self, block: dict, index: int) -> list[str]:
        title = text_of(block.get("title")).strip()
        url = as_str(block.get("image_url")) or slack_file_ref(block.get("slack_file"))
        line = image_token(block) + (f" {url}" if url else "")
        return ([title] if title else []) + [line]

    def rich_text(self, block: dict, index: int) -> list[str]:
        return wrap_text(rich_text_to_text(block), self.width)

    def markdown(self, block: dict, index: int) -> list[str]:
        return as_str(block.get("text")).split("\n") if as_str(block.get("text")) else []

    def file(self, block: dict, index: int) -> list[str]:
        name = as_str(block.get("external_id")) or as_str(block.get("file_id")) or "?"
        return [f"[file: {name}]"]

    def video(self, block: dict, index: int) -> list[str]:
        title = text_of(block.get("title")).strip() or text_of(block.get("alt_text")).strip() or "video"
        url = as_str(block.get("title_url")) or as_str(block.get("video_url"))
        return [f"[video: {title}]" + (f" {url}" if url else "")]

    def table(self, block: dict, index: int) -> list[str]:
        rows = []
        for row in as_list(block.get("rows")):
            cells = []
            for cell in as_list(row):
                if isinstance(cell, dict) and cell.get("type") == "rich_text":
                    cells.append(rich_text_to_text(cell).replace("\n", " "))
                else:
                    cells.append(text_of(cell).replace("\n", " "))
            rows.append(cells)
        columns = max((len(row) for row in rows), default=0)
        widths = [max((len(row[c]) for row in rows if c < len(row)), default=0) for c in range(columns)]
        return [" | ".join(cell.ljust(widths[c]) for c, cell in enumerate(row)).rstrip() for row in rows]

    def input(self, block: dict, index: int) -> list[str]:
        element = block.get("element") if isinstance(block.get("element"), dict) else {}
        kind = as_str(element.get("type")) or "unknown"
        options = options_of(element)
        initial, initial_shown = initial_of(element, kind)
        ref = InputRef(
            block_id=block_id_of(block) or f"block-{index + 1}",
            action_id=as_str(element.get("action_id")) or f"action-{index + 1}",
            label=text_of(block.get("label")).strip(),
            kind=kind,
            optional=block.get("optional") is True,
            multiline=element.get("multiline") is True,
            options=tuple((value, label) for value, label, _ in options),
            initial=initial,
            placeholder=text_of(element.get("placeholder")).strip() or None,
            hint=text_of(block.get("hint")).strip() or None,
        )
        self.inputs.append(ref)
        traits = ", ".join([kind] + (["multiline"] if ref.multiline else []))
        head = f"Field {len(self.inputs)}: {ref.label or '(no label)'} [{traits}]"
        lines = [head + (" (optional)" if ref.optional else "")]
        if ref.placeholder:
            lines.append(f"  placeholder: {ref.placeholder}")
        if options:
            lines.append("  options:")
            lines += [f"    - {value}: {label}" if value != label else f"    - {label}" for value, label, _ in options]
        if initial_shown:
            first, *rest = initial_shown.split("\n")
            lines.append(f"  initial: {first}")
            lines += ["    " + line for line in rest]
        if ref.hint:
            lines += wrap_text(f"hint: {ref.hint}", self.width, indent="  ")
        return lines

    # --------------------------------------------------------------- elements

    def element_row(self, elements: list, block_id: str | None) -> list[str]:
        tokens = [self.element(element, block_id) for element in elements]
        lines: list[str] = []
        for token in filter(None, tokens):
            if lines and len(lines[-1]) + 1 + len(token) <= self.width:
                lines[-1] += " " + token
            else:
                lines.append(token)
        return lines

    def element(self, element: Any, block_id: str | None) -> str:
        if not isinstance(element, dict):
            return "[?]"
        kind = as_str(element.get("type"))
        if kind in ("button", "workflow_button"):
            return self.button(element, kind, block_id)
        if kind == "overflow":
            return self.overflow(element, block_id)
        if kind == "image":
            return image_token(element)
        _, shown = initial_of(element, kind)
        placeholder = text_of(element.get("placeholder")).strip()
        if kind in SELECT_KINDS:
            return f"[select: {shown or placeholder or kind}]"
        if kind in ("checkboxes", "radio_buttons"):
            initial = initial_of(element, kind)[0]
            chosen = {initial} if isinstance(initial, str) else set(initial or ())
            on, off = ("[x]", "[ ]") if kind == "checkboxes" else ("(o)", "( )")
            listed = ", ".join(f"{on if v in chosen else off} {label}" for v, label, _ in options_of(element))
            return f"[{'checkboxes' if kind == 'checkboxes' else 'radio'}: {listed}]"
        names = {"datepicker": "date", "timepicker": "time", "datetimepicker": "datetime"}
        if kind in names:
            return f"[{names[kind]}: {shown or placeholder or 'not set'}]"
        if kind in TEXT_INPUT_KINDS:
            return f"[input: {shown or placeholder}]"
        return f"[{kind or '?'}]"

    def button(self, element: dict, kind: str, block_id: str | None) -> str:
        label = text_of(element.get("text")).strip() or as_str(element.get("action_id")) or "button"
        style = element.get("style") if element.get("style") in ("primary", "danger") else None
        url = as_str(element.get("url")) or None
        number = self.add_button(element, block_id, label=label, value=element.get("value"), url=url,
                                 style=style, kind=kind)
        shown = f"*{label}*" if style == "primary" else f"{label} !" if style == "danger" else label
        return f"[{number} {shown}" + (f" -> {url}" if url else "") + "]"

    def overflow(self, element: dict, block_id: str | None) -> str:
        pieces = []
        for option in as_list(element.get("options")):
            if not isinstance(option, dict):
                continue
            label = text_of(option.get("text")).strip() or as_str(option.get("value")) or "option"
            url = as_str(option.get("url")) or None
            number = self.add_button(element, block_id, label=label, value=option.get("value"), url=url,
                                     style=None, kind="overflow")
            pieces.append(f"{number} {label}" + (f" -> {url}" if url else ""))
        return "[… " + " | ".join(pieces) + "]" if pieces else "[…]"

    def add_button(self, element: dict, block_id: str | None, *, label: str, value, url: str | None,
                   style: str | None, kind: str) -> int:
        """Number a pressable thing (a button, or one option of an overflow menu) and remember it."""
        number = self.take_number()
        self.buttons.append(ButtonRef(number=number, label=label, action_id=as_str(element.get("action_id")),
                                      block_id=block_id, value=as_str(value) or None, url=url, style=style,
                                      kind=kind, confirm=confirm_text(element.get("confirm"))))
        return number

    def take_number(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    # ------------------------------------------------------------ attachments

    def attachment(self, attachment: Any) -> list[str]:
        """Legacy secondary attachment: pretext, then a ``| ``-barred body."""
        if not isinstance(attachment, dict):
            return []
        inner = BlockRenderer(self.next_number, self.width - 2)
        blocks = as_list(attachment.get("blocks"))
        if blocks:
            body = inner.blocks(blocks)
        else:
            body = []
            for key in ("author_name", "title"):
                body += wrap_text(as_str(attachment.get(key)), inner.width)
            if as_str(attachment.get("title_link")):
                body.append(as_str(attachment.get("title_link")))
            body += wrap_text(mrkdwn_to_text(attachment.get("text")), inner.width)
            for field in as_list(attachment.get("fields")):
                if isinstance(field, dict):
                    pair = f"{as_str(field.get('title'))}: {mrkdwn_to_text(field.get('value'))}".strip(": ")
                    body += wrap_text(pair, inner.width, indent="  ")
            if as_str(attachment.get("image_url")):
                body.append(f"[image] {as_str(attachment.get('image_url'))}")
            body += wrap_text(as_str(attachment.get("footer")), inner.width)
            if not body:
                body = wrap_text(as_str(attachment.get("fallback")), inner.width)
        self.next_number = inner.next_number
        self.buttons += inner.buttons
        self.inputs += inner.inputs
        lines = wrap_text(mrkdwn_to_text(attachment.get("pretext")), self.width)
        return lines + [("| " + line).rstrip() for line in body]


_BLOCK_HANDLERS = {
    "actions": BlockRenderer.actions,
    "context": BlockRenderer.context,
    "divider": BlockRenderer.divider,
    "file": BlockRenderer.file,
    "header": BlockRenderer.header,
    "image": BlockRenderer.image,
    "input": BlockRenderer.input,
    "markdown": BlockRenderer.markdown,
    "rich_text": BlockRenderer.rich_text,
    "section": BlockRenderer.section,
    "table": BlockRenderer.table,
    "video": BlockRenderer.video,
}
