"""What one digest says, gathered from the tables before it is rendered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.docs.summary import DigestFacts
from storage.queries.lifecycle import TransitionRow
from storage.tables import AlertGroup, CheckinAnswer, Feedback, Project, ScheduleRun


@dataclass(frozen=True)
class FeedbackFacts:
    new: Sequence[Feedback]             # given since the last digest, newest first (the first few)
    new_total: int                      # how many were given since the last digest
    weeks: Sequence[tuple[date, int]]   # (Monday, count) for the last few ISO weeks, oldest first

    @property
    def quiet(self) -> bool:
        """None new, and none in the weeks counted."""
        return not self.new_total and not any(count for _, count in self.weeks)


NO_FEEDBACK = FeedbackFacts(new=(), new_total=0, weeks=())


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
    docs: DigestFacts | None = None      # milestones done and due, overdue documentation
    since_day: date | None = None        # `since`'s date where milestones fall due (the default time zone)
    feedback: FeedbackFacts = NO_FEEDBACK

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
    def new_milestones(self) -> bool:
        """A milestone done, newly due (added since) or newly overdue (its due date passed since)."""
        if self.docs is None:
            return False
        since_day = self.since_day or self.since.date()
        return bool(self.docs.milestones_done) or any(
            m.added_at > self.since or (m.due is not None and since_day <= m.due < self.docs.today)
            for m in self.docs.milestones_due)

    @property
    def new_overdue_docs(self) -> bool:
        return self.docs is not None and any(r.overdue_at is not None and r.overdue_at > self.since
                                             for r in self.docs.overdue_docs)

    @property
    def nothing_new(self) -> bool:
        return not (self.first or self.moves or self.new_checkin or self.new_alerts or self.new_milestones
                    or self.new_overdue_docs or self.feedback.new_total)

    @property
    def iterations_since(self) -> int:
        """New iterations since the last digest: each move back starts one."""
        return sum(1 for move in self.moves if move.backward)


def slip(target: date, day: date) -> int:
    """Days `day` is past `target` (negative: before it)."""
    return (day - target).days
