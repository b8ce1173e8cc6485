"""What one digest says, gathered from the tables before it is rendered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from storage.queries.lifecycle import TransitionRow
from storage.tables import AlertGroup, CheckinAnswer, Project, ScheduleRun


@dataclass(frozen=True)
class Digest:
    project: Project
    now: datetime
    since: datetime                     # the previous digest, or the project's start
    first: bool                         # no digest before this one
    moves: Sequence[TransitionRow]      # phase moves since, oldest first
    checkin: ScheduleRun | None         # the latest check-in (closed if any closed)
    answers: Sequence[CheckinAnswer]
    open_groups: Sequence[AlertGroup]   # the newest firing groups
    open_total: int
    targets: Mapping[str, date] = field(default_factory=dict)  # phase → expected end

    @property
    def target(self) -> date | None:
        """The current phase's target, if one is set."""
        return self.targets.get(self.project.phase)

    @property
    def slip_days(self) -> int | None:
        """Days the current phase is behind its target (negative: days left before it); None: no target."""
        target = self.target
        return None if target is None else slip(target, self.now.date())

    def left_phases(self) -> list[tuple[TransitionRow, int]]:
        """Each phase left since the last digest that had a target, with its slip when it was left (days
        after the target; negative: ahead of it)."""
        return [(move, slip(self.targets[move.from_phase], move.created_at.date())) for move in self.moves
                if move.from_phase in self.targets]

    @property
    def new_checkin(self) -> bool:
        return self.checkin is not None and self.checkin.opened_at > self.since

    @property
    def new_alerts(self) -> bool:
        return any(group.first_seen_at > self.since for group in self.open_groups)

    @property
    def nothing_new(self) -> bool:
        return not self.first and not self.moves and not self.new_checkin and not self.new_alerts

    @property
    def iterations_since(self) -> int:
        """New iterations since the last digest: each move back starts one."""
        return sum(1 for move in self.moves if move.backward)


def slip(target: date, day: date) -> int:
    """Days `day` is past `target` (negative: before it)."""
    return (day - target).days
