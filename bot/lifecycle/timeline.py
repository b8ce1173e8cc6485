"""A project's transitions as visits to phases: how long each visit lasted, and the time spent per phase."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.crisp_dm import PHASE_ORDER, Phase
from storage.queries.lifecycle import TransitionRow


ZERO = timedelta(0)


@dataclass(frozen=True)
class Visit:
    """The time between entering a phase (`entry`, a transition) and the next move (or now)."""

    entry: TransitionRow
    ended_at: datetime | None  # None: the project is still there

    @property
    def phase(self) -> Phase:
        return Phase(self.entry.to_phase)

    def spent(self, now: datetime) -> timedelta:
        return max((self.ended_at or now) - self.entry.created_at, ZERO)


@dataclass(frozen=True)
class Timeline:
    visits: list[Visit]
    now: datetime

    @property
    def moves(self) -> int:
        """Transitions after the start."""
        return sum(1 for visit in self.visits if visit.entry.from_phase is not None)

    @property
    def iterations_back(self) -> int:
        return sum(1 for visit in self.visits if visit.entry.backward)

    def totals(self) -> list[tuple[Phase, timedelta, int]]:
        """(phase, time spent there in all, number of visits) for each phase visited, in CRISP-DM order."""
        spent: dict[str, timedelta] = {}
        count: dict[str, int] = {}
        for visit in self.visits:
            key = visit.entry.to_phase
            spent[key] = spent.get(key, ZERO) + max((visit.ended_at or self.now) - visit.entry.created_at, ZERO)
            count[key] = count.get(key, 0) + 1
        return [(phase, spent[phase.value], count[phase.value]) for phase in PHASE_ORDER if phase.value in spent]


def timeline(transitions: Sequence[TransitionRow], now: datetime) -> Timeline:
    """`transitions` oldest first, as storage.queries.lifecycle.transitions returns them."""
    visits = [Visit(entry, transitions[index + 1].created_at if index + 1 < len(transitions) else None)
              for index, entry in enumerate(transitions)]
    return Timeline(visits, now)


def duration_text(span: timedelta) -> str:
    """'3d 4h', '5h 10m', '12m', 'under a minute'."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else "under a minute"
