"""`role add|remove`, `roles`, `stakeholder add|remove`, `project goal|metric`: parse, call the team service,
render."""

from __future__ import annotations

from bot.commands.registry import Command, Invocation, Reply
from bot.permissions import Action
from bot.team import parsing, service
from bot.views import team as views
from storage.queries import team


async def role_add(invocation: Invocation) -> Reply:
    usage = "role add @user ROLE"
    person = parsing.person_and_rest(invocation.args, usage)
    role = parsing.role_from(person.rest, usage)
    await service.add_role(invocation.services, invocation.caller, invocation.project, person.user_id, role)
    return Reply(views.role_reply(person.user_id, role, added=True))


async def role_remove(invocation: Invocation) -> Reply:
    usage = "role remove @user ROLE"
    person = parsing.person_and_rest(invocation.args, usage)
    role = parsing.role_from(person.rest, usage)
    await service.remove_role(invocation.services, invocation.caller, invocation.project, person.user_id, role)
    return Reply(views.role_reply(person.user_id, role, added=False))


async def roles(invocation: Invocation) -> Reply:
    snapshot = await team.snapshot(invocation.reads, invocation.project.id, history=views.HISTORY_LINES)
    return Reply(views.roles_listing(invocation.project, snapshot, invocation.services.settings.slash_command))


async def stakeholder_add(invocation: Invocation) -> Reply:
    usage = "stakeholder add @user"
    person = parsing.person_and_rest(invocation.args, usage)
    parsing.no_words_after(person.rest, usage)
    await service.add_stakeholder(invocation.services, invocation.caller, invocation.project, person.user_id)
    return Reply(views.stakeholder_reply(person.user_id, added=True))


async def stakeholder_remove(invocation: Invocation) -> Reply:
    usage = "stakeholder remove @user"
    person = parsing.person_and_rest(invocation.args, usage)
    parsing.no_words_after(person.rest, usage)
    await service.remove_stakeholder(invocation.services, invocation.caller, invocation.project, person.user_id)
    return Reply(views.stakeholder_reply(person.user_id, added=False))


async def _objective(invocation: Invocation, column: str) -> Reply:
    if not invocation.args:
        # No text: a form with both fields, prefilled (the one Slack call allowed on the ack path).
        await invocation.open_modal(views.objective_modal(invocation.project))
        return Reply()
    text = service.objective_from_command(invocation.args, column)
    changed = await service.set_objective(invocation.services, invocation.caller, invocation.project, {column: text})
    if not changed:
        return Reply(views.objective_unchanged(column))
    return Reply(views.objective_reply(changed))


async def project_goal(invocation: Invocation) -> Reply:
    return await _objective(invocation, "goal")


async def project_metric(invocation: Invocation) -> Reply:
    return await _objective(invocation, "success_metric")


COMMANDS = [
    Command(("roles",), "who holds which role, and what this phase lacks", roles, needs_project=True),
    Command(("role", "add"), "give someone a role (they may hold several)", role_add, args="@user ROLE",
            action=Action.MANAGE_TEAM, needs_project=True),
    Command(("role", "remove"), "take a role from someone", role_remove, args="@user ROLE",
            action=Action.MANAGE_TEAM, needs_project=True),
    Command(("stakeholder", "add"), "someone who receives the digests", stakeholder_add, args="@user",
            action=Action.MANAGE_TEAM, needs_project=True),
    Command(("stakeholder", "remove"), "stop someone's digests", stakeholder_remove, args="@user",
            action=Action.MANAGE_TEAM, needs_project=True),
    Command(("project", "goal"), "the business objective (no text: a form)", project_goal, args="[TEXT]",
            action=Action.SET_OBJECTIVE, needs_project=True),
    Command(("project", "metric"), "the quantifiable success metric (no text: a form)", project_metric,
            args="[TEXT]", action=Action.SET_OBJECTIVE, needs_project=True),
]
