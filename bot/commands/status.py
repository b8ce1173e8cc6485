from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.docs.milestones import today
from bot.dates import today_in
from bot.schedules.service import spec_of
from bot.schedules.slots import next_slot
from bot.views.schedules import next_line
from bot.views import docs as doc_views
from bot.views import milestones as milestone_views
from bot.views.status import status_card
from bot.views.targets import phase_target_line
from bot.views.alert_ops import STATUS_ALERTS_SHOWN
from storage.queries import alerts, docs, schedules, team
from storage.queries.targets import targets_of

OVERDUE_NAMED = 3


async def show_status(invocation: Invocation) -> Reply:
    # The project row the dispatcher already read, and one statement for the team.
    snapshot = await team.snapshot(invocation.reads, invocation.project.id)
    open_alerts = await alerts.open_groups(invocation.reads, project_id=invocation.project.id,
                                           limit=STATUS_ALERTS_SHOWN)
    now, slash = invocation.services.clock.now(), invocation.services.settings.slash_command
    scheduled = await schedules.schedules_of(invocation.reads, invocation.project.id)
    lines = []
    for kind in ("checkin", "digest"):
        spec = spec_of(scheduled[kind]) if kind in scheduled else None
        lines.append(next_line(kind, spec, next_slot(spec, now) if spec else None, slash))
    target = phase_target_line(invocation.project.phase, await targets_of(invocation.reads, invocation.project.id),
                               today_in(invocation.services.settings.default_timezone, now))
    return Reply(status_card(invocation.project, now, snapshot, slash, open_alerts=open_alerts,
                             schedule_lines=lines, target_line=target,
                             work_lines=await work_lines(invocation, now)))


async def work_lines(invocation: Invocation, now) -> list[str]:
    """Milestones and documentation: one statement of counts; the overdue names only when there are some."""
    project_id, date = invocation.project.id, today(invocation.services, now)
    counts = await docs.status_counts(invocation.reads, project_id, date)
    names = await docs.overdue_milestone_names(invocation.reads, project_id, date, OVERDUE_NAMED) \
        if counts.overdue_milestones else []
    return [milestone_views.status_line(counts.open_milestones, names, counts.overdue_milestones),
            doc_views.status_line(counts.pending_docs, counts.overdue_docs, invocation.services.settings.slash_command)]


COMMANDS = [
    Command(("status",), "the project's status card", show_status, needs_project=True),
]
