"""Registry of imitated Web API methods: name -> MethodSpec (handler + accepted tokens)."""

from __future__ import annotations

from . import chat, conversations, files, identity, views
from .base import Context, MethodSpec

METHODS: dict[str, MethodSpec] = {
    **identity.METHODS,
    **chat.METHODS,
    **conversations.METHODS,
    **views.METHODS,
    **files.METHODS,
}

__all__ = ["METHODS", "Context", "MethodSpec"]
