"""Console rendering of Slack Block Kit payloads.

Pure layer used by the console REPL: a message payload (``chat.postMessage``,
``chat.update``, ephemeral, ack) or a view (modal / App Home) goes in; readable
plain text comes out together with the interactive pieces the person can use
by number (``ButtonRef``) or fill in (``InputRef``).

Rendering is deterministic and compact, and never raises on malformed input:
unknown block types print ``[unsupported block: TYPE]``, non-dict blocks print
``[invalid block]``, missing keys are skipped.

Layout: this module is the public API; the work is done in ``render_blocks``
(blocks and elements), ``render_elements`` (options, initial values),
``render_text`` (mrkdwn, rich_text, wrapping) and ``render_types`` (results).
"""

from __future__ import annotations

from bot.console.render_blocks import BlockRenderer
from bot.console.render_text import as_list, mrkdwn_to_text, text_of, wrap_text
from bot.console.render_types import ButtonRef, InputRef, Rendered

__all__ = ["ButtonRef", "InputRef", "Rendered", "mrkdwn_to_text", "render_message", "render_view"]


def render_message(message: dict, *, first_button_number: int = 1, width: int = 100) -> Rendered:
    """Render a message payload.  Blocks win over ``text`` when both are present."""
    renderer = BlockRenderer(first_button_number, width)
    lines: list[str] = []
    if isinstance(message, dict):
        blocks = message.get("blocks")
        if isinstance(blocks, (list, tuple)) and blocks:
            lines = renderer.blocks(blocks)
        else:
            lines = wrap_text(mrkdwn_to_text(message.get("text")), renderer.width)
        for attachment in as_list(message.get("attachments")):
            lines.extend(renderer.attachment(attachment))
    return renderer.result(lines, empty="(empty message)")


def render_view(view: dict, *, first_button_number: int = 1, width: int = 100) -> Rendered:
    """Render a modal (boxed title, blocks, submit/close labels) or an App Home view."""
    renderer = BlockRenderer(first_button_number, width)
    if not isinstance(view, dict):
        return renderer.result([], empty="(empty view)")
    blocks = as_list(view.get("blocks"))
    if view.get("type") == "home":
        banner = "== Home "
        lines = [banner + "=" * max(min(renderer.width, 40) - len(banner), 2)]
        lines += renderer.blocks(blocks)
        return renderer.result(lines, empty="(empty view)")
    title = text_of(view.get("title")).strip() or "Modal"
    if len(title) > renderer.width - 4:
        title = title[: renderer.width - 5] + "…"
    edge = "+" + "-" * (len(title) + 2) + "+"
    lines = [edge, f"| {title} |", edge]
    lines += renderer.blocks(blocks)
    footer = []
    submit = text_of(view.get("submit")).strip()
    if submit:
        footer.append(f"Submit: {submit}")
    footer.append(f"Close: {text_of(view.get('close')).strip() or 'Cancel'}")
    lines += ["", "  ·  ".join(footer)]
    return renderer.result(lines, empty="(empty view)")
