"""Roles, stakeholders, the goal and success metric: replies, announcements, the `roles` listing and the
objective modal."""

from __future__ import annotations

import json
from typing import Any

from bot.crisp_dm import ROLE_TITLES, Phase, Role, missing_roles
from bot.views.blocks import context, header, message, plain, section
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views.mrkdwn import escape, slack_date, user
from storage.queries.team import TeamEvent, TeamSnapshot
from storage.tables import Project

OBJECTIVE_LIMIT = 500
HISTORY_LINES = 5
OBJECTIVE_FIELDS = {"goal": "goal", "success_metric": "success metric"}


# Role values in CRISP-DM's order, and their display names (str keys: a stored value looks them up directly).
ROLE_RANK = {role.value: rank for rank, role in enumerate(Role)}
TITLES = {role.value: title for role, title in ROLE_TITLES.items()}


def role_title(role: str) -> str:
    """A role's display name; a value that is not a known role is shown as text."""
    title = TITLES.get(role)
    return title if title is not None else escape(role)


def people(user_ids: list[str]) -> str:
    return ", ".join(user(u) for u in user_ids)


def role_lines(snapshot: TeamSnapshot) -> str:
    """One line per role held, in CRISP-DM's role order: "*Data scientist* — @ann, @bo"."""
    by_role: dict[str, list[str]] = {}
    for role, holder in snapshot.holders:
        by_role.setdefault(role, []).append(holder)
    ordered = sorted(by_role, key=lambda role: (ROLE_RANK.get(role, len(ROLE_RANK)), role))
    return "\n".join(f"*{role_title(role)}* — {people(by_role[role])}" for role in ordered)


def missing_line(phase: Phase, snapshot: TeamSnapshot) -> str:
    missing = missing_roles(phase, snapshot.roles_held())
    if not missing:
        return f":white_check_mark: Every role {phase.title} expects is filled."
    names = ", ".join(role.title for role in missing)
    return f":warning: *{phase.title} expects, but nobody holds:* {names}"


def stakeholder_line(snapshot: TeamSnapshot) -> str:
    """Stakeholders, the sponsors among them marked (a sponsor counts as one without being added)."""
    sponsors = [holder for role, holder in snapshot.holders if role == Role.SPONSOR]
    shown = [user(u) for u in snapshot.stakeholders if u not in sponsors]
    shown += [f"{user(u)} (sponsor)" for u in dict.fromkeys(sponsors)]
    return ", ".join(shown) if shown else "none yet"


def event_line(event: TeamEvent) -> str:
    when = slack_date(event.at)
    if event.kind == "role-added":
        return f"{when} · {user(event.actor_id)} made {user(event.user_id)} {role_title(event.role)}"
    if event.kind == "role-removed":
        return f"{when} · {user(event.actor_id)} removed {user(event.user_id)} as {role_title(event.role)}"
    if event.kind == "stakeholder-added":
        return f"{when} · {user(event.actor_id)} added stakeholder {user(event.user_id)}"
    return f"{when} · {user(event.actor_id)} removed stakeholder {user(event.user_id)}"


def roles_listing(project: Project, snapshot: TeamSnapshot, slash: str) -> dict[str, Any]:
    phase = Phase(project.phase)
    missing = missing_roles(phase, snapshot.roles_held())
    people_count = len({holder for _, holder in snapshot.holders})
    gist = (f"{escape(project.name)} team: {people_count} {'person' if people_count == 1 else 'people'} "
            f"in {len(snapshot.roles_held())} {'role' if len(snapshot.roles_held()) == 1 else 'roles'}")
    gist += f"; {phase.title} lacks {', '.join(r.title for r in missing)}" if missing else \
        f"; every role {phase.title} expects is filled"
    blocks = [
        header(f"Team of {project.name}"),
        section(role_lines(snapshot) or f"Nobody holds a role yet: `{slash} role add @user ROLE`."),
        section(missing_line(phase, snapshot)),
        section(f"*Stakeholders:* {stakeholder_line(snapshot)}"),
    ]
    if snapshot.history:
        blocks.append(context("*Recent changes*\n" + "\n".join(event_line(e) for e in snapshot.history)))
    blocks.append(context(f"`{slash} role add @user ROLE` · `{slash} role remove @user ROLE` · "
                          f"`{slash} stakeholder add @user`"))
    return message(gist, blocks)


def _gap_note(project: Project, snapshot: TeamSnapshot) -> str:
    phase = Phase(project.phase)
    missing = missing_roles(phase, snapshot.roles_held())
    if not missing:
        return f"Every role {phase.title} expects is filled."
    return f"{phase.title} still needs: {', '.join(r.title for r in missing)}."


def role_added_announcement(project: Project, user_id: str, role: str, actor_id: str,
                            snapshot: TeamSnapshot) -> dict[str, Any]:
    name, title = escape(project.name), role_title(role)
    return message(f"{user(user_id)} is now {title} on {name}", [
        section(f":bust_in_silhouette: {user(actor_id)} made {user(user_id)} *{title}* on *{name}*."),
        context(_gap_note(project, snapshot)),
    ])


def role_removed_announcement(project: Project, user_id: str, role: str, actor_id: str,
                              snapshot: TeamSnapshot) -> dict[str, Any]:
    name, title = escape(project.name), role_title(role)
    return message(f"{user(user_id)} is no longer {title} on {name}", [
        section(f":bust_in_silhouette: {user(actor_id)} removed {user(user_id)} as *{title}* on *{name}*."),
        context(_gap_note(project, snapshot)),
    ])


def role_reply(user_id: str, role: str, *, added: bool) -> dict[str, Any]:
    title = role_title(role)
    text = f"{user(user_id)} is now {title}; announced in the channel." if added else \
        f"{user(user_id)} is no longer {title}; announced in the channel."
    return message(text, [section(f":white_check_mark: {text}")])


def already_holds(user_id: str, role: str) -> str:
    return f"{user(user_id)} already holds *{role_title(role)}* here; nothing changed."


def does_not_hold(user_id: str, role: str, held: list[str]) -> str:
    text = f"{user(user_id)} does not hold *{role_title(role)}* here; nothing changed."
    if held:
        text += f" They hold: {', '.join(role_title(r) for r in held)}."
    return text


def last_lead(user_id: str, role: str) -> str:
    return (f"{user(user_id)} is the project's last product owner or manager: without one, only a Crisp admin "
            f"could manage it. Give the role to someone else first (`role add @user product-owner`); "
            f"nothing changed.")


def stakeholder_added_announcement(project: Project, user_id: str, actor_id: str) -> dict[str, Any]:
    name = escape(project.name)
    return message(f"{user(user_id)} is now a stakeholder of {name}", [
        section(f":busts_in_silhouette: {user(actor_id)} added {user(user_id)} as a stakeholder of *{name}*: "
                "they will receive its digests."),
    ])


def stakeholder_removed_announcement(project: Project, user_id: str, actor_id: str) -> dict[str, Any]:
    name = escape(project.name)
    return message(f"{user(user_id)} is no longer a stakeholder of {name}", [
        section(f":busts_in_silhouette: {user(actor_id)} removed {user(user_id)} as a stakeholder of *{name}*."),
    ])


def stakeholder_reply(user_id: str, *, added: bool) -> dict[str, Any]:
    text = (f"{user(user_id)} is now a stakeholder; announced in the channel." if added else
            f"{user(user_id)} is no longer a stakeholder; announced in the channel.")
    return message(text, [section(f":white_check_mark: {text}")])


def already_stakeholder(user_id: str) -> str:
    return f"{user(user_id)} is already a stakeholder here; nothing changed."


def not_a_stakeholder(user_id: str, *, sponsor: bool) -> str:
    text = f"{user(user_id)} is not a stakeholder here; nothing changed."
    if sponsor:
        text += " They count as one because they hold *Sponsor*: `role remove` that role instead."
    return text


def objective_lines(project: Project, slash: str) -> list[str]:
    """The goal and the success metric as two mrkdwn fields, or how to set them."""
    goal = escape(project.goal) if project.goal else f"_not set_ · `{slash} project goal TEXT`"
    metric = escape(project.success_metric) if project.success_metric else \
        f"_not set_ · `{slash} project metric TEXT`"
    return [f"*Goal*\n{goal}", f"*Success metric*\n{metric}"]


def objective_announcement(project: Project, changed: dict[str, str | None], actor_id: str) -> dict[str, Any]:
    """`changed`: column ("goal", "success_metric") -> its new text (None: cleared)."""
    name = escape(project.name)
    lines = []
    for column, text in changed.items():
        what = OBJECTIVE_FIELDS[column]
        lines.append(f"*{what.capitalize()}:* {escape(text)}" if text else f"*{what.capitalize()}:* cleared")
    whats = " and ".join(OBJECTIVE_FIELDS[c] for c in changed)
    return message(f"{name}: new {whats}", [
        section(f":dart: {user(actor_id)} set the {whats} of *{name}*.\n" + "\n".join(lines)),
    ])


def objective_reply(changed: dict[str, str | None]) -> dict[str, Any]:
    whats = " and ".join(OBJECTIVE_FIELDS[c] for c in changed)
    text = f"Saved the {whats}; announced in the channel."
    return message(text, [section(f":white_check_mark: {text}")])


def objective_unchanged(column: str) -> dict[str, Any]:
    text = f"The {OBJECTIVE_FIELDS[column]} already reads exactly that; nothing changed."
    return message(text, [section(text)])


def objective_modal(project: Project) -> dict[str, Any]:
    """Both fields, prefilled with what is stored (plain text inputs show it as typed)."""
    def field(block_id: str, action_id: str, label: str, initial: str | None, hint: str) -> dict[str, Any]:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "multiline": True,
                                   "max_length": OBJECTIVE_LIMIT, "placeholder": plain(hint, 150)}
        if initial:
            element["initial_value"] = initial
        return {"type": "input", "block_id": block_id, "optional": True, "label": plain(label, 2000),
                "element": element}

    return {
        "type": "modal",
        "callback_id": CallbackId.SET_OBJECTIVE,
        "title": plain("Goal and metric", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"project": project.id}),
        "blocks": [
            section(f"Business understanding for *{escape(project.name)}*: what is it for, and how will you "
                    "know it worked?"),
            field(BlockId.PROJECT_GOAL, InputId.PROJECT_GOAL, "Business objective", project.goal,
                  "e.g. Cut churn among new customers"),
            field(BlockId.PROJECT_METRIC, InputId.PROJECT_METRIC, "Quantifiable success metric",
                  project.success_metric, "e.g. Churn in the first 90 days below 5% by Q3"),
        ],
    }


def objective_field_errors(errors: dict[str, str]) -> dict[str, str]:
    """Field errors for the objective modal, keyed by block; `errors`: column -> plain text."""
    blocks = {"goal": BlockId.PROJECT_GOAL, "success_metric": BlockId.PROJECT_METRIC}
    return {blocks[column]: text for column, text in errors.items()}

