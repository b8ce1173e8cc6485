"""The project record as Markdown: a header (phase, iteration, phase history, roles), then one section per
CRISP-DM phase with its records (the latest version of each), the records still missing, and its
milestones. Pure: it gets everything read and every person named, and only writes text. Whatever people
typed goes through bot.export.escape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.crisp_dm import PHASE_ORDER, Phase, Role, parse_phase, parse_role
from bot.export.escape import block, inline, link

# (key, label) of each field a phase's record holds, in the form's order.
Labels = Callable[[Phase], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class ProjectFacts:
    name: str
    phase: str
    phase_since: datetime
    iteration: int
    created_at: datetime
    goal: str | None = None
    success_metric: str | None = None


@dataclass(frozen=True)
class Move:
    from_phase: str | None   # None: the project's start
    to_phase: str
    backward: bool
    iteration: int
    actor_id: str
    note: str | None
    at: datetime


@dataclass(frozen=True)
class Record:
    phase: str
    iteration: int
    version: int
    fields: dict[str, str]
    link: str | None
    author: str
    submitted_at: datetime


@dataclass(frozen=True)
class Missing:
    phase: str
    iteration: int
    milestone: str | None    # the milestone whose completion asked for it; None: the phase was left
    asked: tuple[str, ...]   # user ids
    requested_at: datetime
    overdue: bool


@dataclass(frozen=True)
class MilestoneFacts:
    name: str
    phase: str
    due: date | None
    done_by: str | None
    done_at: datetime | None


@dataclass
class ExportData:
    project: ProjectFacts
    moves: list[Move]
    holders: list[tuple[str, str]]      # (role, user id), oldest assignment first
    stakeholders: list[str]
    records: list[Record]
    missing: list[Missing]
    milestones: list[MilestoneFacts]
    exported_at: datetime
    exported_by: str
    names: dict[str, str] = field(default_factory=dict)  # user id -> Slack display name

    def people(self) -> set[str]:
        """Everyone the document names, to look up before building it."""
        found = {self.exported_by, *(m.actor_id for m in self.moves), *(u for _, u in self.holders),
                 *self.stakeholders, *(r.author for r in self.records), *(m.done_by for m in self.milestones)}
        for missing in self.missing:
            found.update(missing.asked)
        return {user for user in found if user}


def moment(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _phase_title(value: str | None) -> str:
    phase = parse_phase(value or "")
    return phase.title if phase is not None else inline(value)


def _role_title(value: str) -> str:
    role = parse_role(value)
    return role.title if role is not None else inline(value)


class _Writer:
    def __init__(self, data: ExportData, labels: Labels):
        self.data = data
        self.labels = labels
        self.lines: list[str] = []

    def name(self, user_id: str | None) -> str:
        return inline(self.data.names.get(user_id or "", user_id or "someone"))

    def names(self, user_ids: Iterable[str]) -> str:
        return ", ".join(self.name(user) for user in user_ids) or "nobody"

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    # -- the header ---------------------------------------------------------------------------------

    def header(self) -> None:
        data, project = self.data, self.data.project
        days = (data.exported_at.date() - project.phase_since.date()).days + 1
        self.add(f"# {inline(project.name)} — project record", "",
                 f"Exported by Crisp on {moment(data.exported_at)} for {self.name(data.exported_by)}.", "",
                 "## Project", "",
                 f"- **Current phase:** {_phase_title(project.phase)} (since {moment(project.phase_since)}, "
                 f"day {days})",
                 f"- **Iteration:** {project.iteration}",
                 f"- **Started:** {moment(project.created_at)}")
        if project.goal:
            self.add(f"- **Business objective:** {inline(project.goal)}")
        if project.success_metric:
            self.add(f"- **Success metric:** {inline(project.success_metric)}")
        self.add("")
        self.history()
        self.roles()

    def history(self) -> None:
        self.add("## Phase history", "")
        if not self.data.moves:
            self.add("No phase moves yet.", "")
            return
        for move in self.data.moves:
            if move.from_phase is None:
                line = f"- {moment(move.at)}: started in {_phase_title(move.to_phase)} by {self.name(move.actor_id)}"
            else:
                direction = f" (back: iteration {move.iteration})" if move.backward else ""
                line = (f"- {moment(move.at)}: {_phase_title(move.from_phase)} → "
                        f"{_phase_title(move.to_phase)}{direction} by {self.name(move.actor_id)}")
            if move.note:
                line += f". Note: {inline(move.note)}"
            self.add(line)
        self.add("")

    def roles(self) -> None:
        self.add("## Roles", "")
        held: dict[str, list[str]] = {}
        for role, user in self.data.holders:
            held.setdefault(role, []).append(user)
        known = [role.value for role in Role if role.value in held]
        for role in [*known, *(role for role in held if role not in known)]:
            self.add(f"- **{_role_title(role)}:** {self.names(held[role])}")
        if not held:
            self.add("- Nobody holds a role yet.")
        if self.data.stakeholders:
            self.add(f"- **Stakeholders:** {self.names(self.data.stakeholders)}")
        self.add("")

    # -- a phase ------------------------------------------------------------------------------------

    def phase(self, phase: Phase, records: list[Record], missing: list[Missing],
              milestones: list[MilestoneFacts]) -> None:
        self.add(f"## {phase.number}. {phase.title}", "")
        if not records and not missing:
            self.add("No record submitted or requested.", "")
        for record in records:
            self.record(phase, record)
        for request in missing:
            self.missing(request)
        if milestones:
            self.add("### Milestones", "")
            for milestone in milestones:
                self.milestone(milestone)
            self.add("")

    def record(self, phase: Phase, record: Record) -> None:
        self.add(f"### Record, iteration {record.iteration} (version {record.version})", "",
                 f"Submitted by {self.name(record.author)} on {moment(record.submitted_at)}.", "")
        if record.link:
            self.add(f"External document: {link(record.link)}", "")
        labelled = list(self.labels(phase))  # Crisp's own labels
        keys = {key for key, _ in labelled}
        extra = [(key, inline(key)) for key in record.fields if key not in keys]  # a field no form has now
        for key, label in [*labelled, *extra]:
            text = record.fields.get(key)
            if text is None or not str(text).strip():
                continue
            self.add(f"#### {label}", "", block(str(text)), "")

    def missing(self, request: Missing) -> None:
        why = (f"when milestone “{inline(request.milestone)}” was done" if request.milestone
               else "when the phase was left")
        overdue = " (overdue: reminders ran out)" if request.overdue else ""
        asked = (f"from {self.names(request.asked)}" if request.asked
                 else "but nobody holds the roles responsible for it")
        self.add(f"### Record, iteration {request.iteration}: missing", "",
                 f"**Missing**{overdue}: requested {moment(request.requested_at)} {why}, {asked}.", "")

    def milestone(self, milestone: MilestoneFacts) -> None:
        due = f", due {milestone.due.isoformat()}" if milestone.due else ""
        if milestone.done_at is not None:
            state = f"done {moment(milestone.done_at)} by {self.name(milestone.done_by)}"
        else:
            state = "open"
        self.add(f"- {inline(milestone.name)}{due}: {state}")


def build(data: ExportData, labels: Labels) -> str:
    """The whole document."""
    writer = _Writer(data, labels)
    writer.header()
    by_phase: dict[str, tuple[list, list, list]] = {phase.value: ([], [], []) for phase in PHASE_ORDER}
    for record in sorted(data.records, key=lambda r: (r.iteration, r.submitted_at)):
        by_phase.get(record.phase, ([], [], []))[0].append(record)
    for request in sorted(data.missing, key=lambda m: (m.iteration, m.requested_at)):
        by_phase.get(request.phase, ([], [], []))[1].append(request)
    for milestone in data.milestones:
        by_phase.get(milestone.phase, ([], [], []))[2].append(milestone)
    for phase in PHASE_ORDER:
        writer.phase(phase, *by_phase[phase.value])
    return "\n".join(writer.lines).rstrip("\n") + "\n"
