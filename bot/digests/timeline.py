"""A project's phase timeline as data: one visit per stay in a phase (a move back starts a new visit of an
earlier phase), today's position and the phase targets. The PNG (bot.digests.timeline_png) draws exactly
this, so what the picture shows is tested here, without pixels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.crisp_dm import PHASE_ORDER, Phase
from storage.queries.lifecycle import TransitionRow

_PHASE_NAMES = frozenset(phase.value for phase in Phase)


@dataclass(frozen=True)
class Visit:
    phase: Phase
    start: datetime
    end: datetime | None  # None: the phase the project is in now
    back: bool            # entered by a move back to an earlier phase (a new iteration)
    iteration: int

    def until(self, now: datetime) -> datetime:
        return self.end if self.end is not None else now


@dataclass(frozen=True)
class Timeline:
    title: str
    visits: tuple[Visit, ...]
    targets: Mapping[Phase, date]
    now: datetime
    rows: tuple[Phase, ...] = PHASE_ORDER  # top to bottom, CRISP-DM order

    @property
    def back_moves(self) -> int:
        return sum(1 for visit in self.visits if visit.back)

    def visits_of(self, phase: Phase) -> list[Visit]:
        return [visit for visit in self.visits if visit.phase == phase]


def timeline_of(title: str, moves: Sequence[TransitionRow], targets: Mapping[str, date], now: datetime, *,
                phase: str, phase_since: datetime, iteration: int) -> Timeline:
    """`moves`: every transition, oldest first (the first one, from no phase, is the start). A project
    whose start was not recorded gets one visit of its current phase since `phase_since`."""
    visits: list[Visit] = []
    for index, move in enumerate(moves):
        end = moves[index + 1].created_at if index + 1 < len(moves) else None
        visits.append(Visit(Phase(move.to_phase), move.created_at, end, bool(move.backward), move.iteration))
    if not visits:
        visits.append(Visit(Phase(phase), phase_since, None, False, iteration))
    known = {Phase(name): target for name, target in targets.items() if name in _PHASE_NAMES}
    return Timeline(title=title, visits=tuple(visits), targets=known, now=now)
