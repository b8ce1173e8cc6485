"""The command table and matching of `/crisp` text against it, with suggestions for typos."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.permissions import Action, Caller

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.services import Services
    from storage.tables import Project


@dataclass
class Reply:
    """What the command answers in the HTTP response itself."""

    body: dict[str, Any] = field(default_factory=dict)  # {"text", "blocks"}; empty = answer nothing visible
    in_channel: bool = False

    def as_ack(self) -> dict[str, Any]:
        if not self.body:
            return {}
        return {**self.body, "response_type": "in_channel" if self.in_channel else "ephemeral"}


@dataclass
class Invocation:
    services: Services
    caller: Caller
    channel_id: str
    args: str
    project: Project | None
    open_modal: Callable[[dict[str, Any]], Awaitable[None]]
    commands: CommandTable
    # The request's read session (one connection for every read on the ack path); writes open a
    # transaction of their own through the services.
    reads: AsyncSession


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    usage: str                 # as shown in help, e.g. "project create NAME"
    summary: str
    run: Callable[[Invocation], Awaitable[Reply]]
    action: Action = Action.READ
    # True: only in a channel with a project; False: only in one without; None: anywhere.
    needs_project: bool | None = None

    def applies_here(self, has_project: bool) -> bool:
        return self.needs_project is None or self.needs_project == has_project


@dataclass(frozen=True)
class Match:
    command: Command
    args: str


@dataclass(frozen=True)
class NoMatch:
    word: str                        # what was not understood
    suggestion: Command | None       # the closest valid form, if any is close
    group: tuple[Command, ...] = ()  # the valid forms under a known first word


class CommandTable:
    def __init__(self, commands: list[Command]):
        # Longest word sequence first, so "project create" wins over "project".
        self.commands = sorted(commands, key=lambda c: -len(c.words))
        self.in_help_order = list(commands)

    def match(self, text: str) -> Match | NoMatch:
        tokens = text.split()
        lowered = [token.lower() for token in tokens]
        for command in self.commands:
            n = len(command.words)
            if tuple(lowered[:n]) == command.words:
                return Match(command, _rest_after(text, n))
        return self._no_match(lowered)

    def _no_match(self, lowered: list[str]) -> NoMatch:
        first = lowered[0]
        group = tuple(c for c in self.in_help_order if c.words[0] == first and len(c.words) > 1)
        if group:
            second = lowered[1] if len(lowered) > 1 else ""
            by_word = {c.words[1]: c for c in group}
            close = difflib.get_close_matches(second, list(by_word), n=1, cutoff=0.5)
            return NoMatch(f"{first} {second}".strip(), by_word[close[0]] if close else None, group)
        first_words: dict[str, Command] = {}
        for command in self.in_help_order:
            first_words.setdefault(command.words[0], command)
        close = difflib.get_close_matches(first, list(first_words), n=1, cutoff=0.6)
        return NoMatch(first, first_words[close[0]] if close else None)


def _rest_after(text: str, word_count: int) -> str:
    """The text after the first `word_count` words, with its own spacing and case kept."""
    rest = text.strip()
    for _ in range(word_count):
        parts = rest.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest.strip()
