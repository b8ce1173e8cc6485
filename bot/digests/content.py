"""What one digest says, gathered from the tables before it is rendered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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
        return sum(1 for move in self.moves if move.backward)
