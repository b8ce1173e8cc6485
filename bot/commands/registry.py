"""The command table and matching of `/crisp` text against it, with suggestions for typos."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.permissions import Action, Caller
from bot.text import rest_after

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
    # The channel's active project as read on the ack path: a read-only row with Project's columns as
    # attributes. Services that change it read it again inside their transaction.
    project: Project | None
    open_modal: Callable[[dict[str, Any]], Awaitable[None]]
    commands: CommandTable
    # The request's read session (one connection for every read on the ack path); writes open a
    # transaction of their own through the services.
    reads: AsyncSession
    # Identifies this request across Slack's retries of it (its trigger id); None when Slack sent none.
    request_key: str | None = None


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    summary: str
    run: Callable[[Invocation], Awaitable[Reply]]
    # The arguments as help writes them ("NAME", "[NOTE]", "@user ROLE"); empty: the command takes none,
    # and words typed after it get a hint instead of being ignored.
    args: str = ""
    action: Action = Action.READ
    # True: only in a channel with a project; False: only in one without; None: anywhere.
    needs_project: bool | None = None

    @property
    def usage(self) -> str:
        """As shown in help, e.g. "project create NAME"."""
        return " ".join((*self.words, self.args) if self.args else self.words)

    @property
    def takes_args(self) -> bool:
        return bool(self.args)

    def applies_here(self, has_project: bool) -> bool:
        return self.needs_project is None or self.needs_project == has_project


@dataclass(frozen=True)
class Match:
    command: Command
    args: str


@dataclass(frozen=True)
class ExtraWords:
    """A command that takes no arguments, followed by words (`status now`)."""

    command: Command
    extra: str


@dataclass(frozen=True)
class GroupOnly:
    """Only the first word of a group of commands (`project`)."""

    word: str
    group: tuple[Command, ...]


@dataclass(frozen=True)
class NoMatch:
    word: str                        # what was not understood
    suggestion: Command | None       # the closest valid form, if any is close
    group: tuple[Command, ...] = ()  # the valid forms under a (nearly) known first word


# How alike a typed word and a command word must be (difflib ratio) to suggest the command:
# "stauts"/"status" 0.83, "lst"/"list" 0.86, "ls"/"list" 0.67; "all"/"list" 0.29.
CLOSE_ENOUGH = 0.6


class CommandTable:
    def __init__(self, commands: list[Command]):
        # Longest word sequence first, so "project create" wins over "project".
        self.commands = sorted(commands, key=lambda c: -len(c.words))
        self.in_help_order = list(commands)

    def group(self, first_word: str) -> tuple[Command, ...]:
        """The commands of several words that start with `first_word`, in help order."""
        return tuple(c for c in self.in_help_order if c.words[0] == first_word and len(c.words) > 1)

    def match(self, text: str) -> Match | ExtraWords | GroupOnly | NoMatch:
        tokens = text.split()
        lowered = [token.lower() for token in tokens]
        for command in self.commands:
            n = len(command.words)
            if tuple(lowered[:n]) == command.words:
                rest = rest_after(text, n)
                if rest and not command.takes_args:
                    if n == 1 and self.group(command.words[0]):
                        # `phase sett modeling`: a misspelt command of the group, not words `phase` ignores
                        guess = self._no_match(lowered)
                        if guess.suggestion is not None and len(guess.suggestion.words) > 1:
                            return guess
                    return ExtraWords(command, rest)
                return Match(command, rest)
        if len(lowered) == 1 and self.group(lowered[0]):
            return GroupOnly(lowered[0], self.group(lowered[0]))
        return self._no_match(lowered)

    def _no_match(self, lowered: list[str]) -> NoMatch:
        scored = []
        for command in self.commands:
            n = len(command.words)
            if len(lowered) < n:
                continue
            ratios = [_likeness(typed, word) for typed, word in zip(lowered, command.words)]
            if min(ratios) >= CLOSE_ENOUGH:
                # More words matched first (`project lst` is `project list`, not a group), then closeness.
                scored.append((n, sum(ratios) / n, -self.in_help_order.index(command), command))
        if scored:
            n, _, _, best = max(scored, key=lambda item: item[:3])
            return NoMatch(" ".join(lowered[:n]), best)
        group_words = list(dict.fromkeys(c.words[0] for c in self.in_help_order if len(c.words) > 1))
        close = difflib.get_close_matches(lowered[0], group_words, n=1, cutoff=CLOSE_ENOUGH)
        if close:
            return NoMatch(" ".join(lowered[:2]), None, self.group(close[0]))
        return NoMatch(lowered[0], None)


def _likeness(typed: str, word: str) -> float:
    return difflib.SequenceMatcher(None, typed, word).ratio()
