"""`milestone add|done`, `milestones`, `docs`: parse, call the milestone service or read, render."""

from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.docs import milestones as service
from bot.permissions import Action
from bot.views import docs as doc_views
from bot.views import milestones as views
from storage.queries import docs as doc_rows
from storage.queries import milestones as rows


async def add(invocation: Invocation) -> Reply:
    milestone = await service.add(invocation.services, invocation.caller, invocation.project, invocation.args)
    return Reply(views.added_reply(milestone))


async def done(invocation: Invocation) -> Reply:
    outcome = await service.done(invocation.services, invocation.caller, invocation.project, invocation.args)
    return Reply(views.done_reply(outcome.milestone, outcome.asked.request))


async def list_milestones(invocation: Invocation) -> Reply:
    milestones = await rows.of_project(invocation.reads, invocation.project.id)
    return Reply(views.listing(invocation.project, milestones, service.today(invocation.services),
                               invocation.services.settings.slash_command))


async def show_docs(invocation: Invocation) -> Reply:
    records = await doc_rows.latest_records(invocation.reads, invocation.project.id)
    requests = await doc_rows.open_of_project(invocation.reads, invocation.project.id)
    return Reply(doc_views.listing(invocation.project, records, requests, invocation.services.settings.slash_command))


COMMANDS = [
    Command(("milestone", "add"), "add a milestone to the current phase", add, args="NAME [due YYYY-MM-DD]",
            action=Action.CONTRIBUTE, needs_project=True),
    Command(("milestone", "done"), "complete a milestone and ask for the phase's documentation", done,
            args="NAME", action=Action.CONTRIBUTE, needs_project=True),
    Command(("milestones",), "milestones with their due dates, overdue ones first", list_milestones,
            needs_project=True),
    Command(("docs",), "documentation requested, submitted and overdue, with buttons to write it", show_docs,
            needs_project=True),
]
