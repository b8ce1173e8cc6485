"""Documentation: the DM asking for a phase's record, its reminders, the form, the announcement of a
submission, the `docs` list and the status card's line. Records are shown as typed (escaped once)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.crisp_dm import Phase, Role
from bot.docs.fields import FIELD_LIMIT, FIELDS, LINK_LIMIT
from bot.views.alerts import link
from bot.views.blocks import actions, button, context, header, message, plain, section
from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from bot.views.mrkdwn import channel, clip, escape, slack_date, user
from bot.views.team import role_title
from storage.tables import DocRecord, DocRequest, Project

# Characters of one field shown in the channel announcement (the export has them whole).
ANNOUNCED_FIELD = 700
# Entries of `docs` (one section each) before "and N more": within Slack's 50 blocks.
ENTRIES_SHOWN = 40


def open_value(project_id: int, phase: str, iteration: int) -> str:
    return json.dumps({"p": project_id, "ph": phase, "i": iteration})


def _open_button(project_id: int, phase: str, iteration: int, label: str, *, primary: bool = False):
    return button(label, ActionId.DOCS_OPEN, value=open_value(project_id, phase, iteration),
                  style="primary" if primary else None)


def record_name(project: Project, phase: str, iteration: int) -> str:
    """"the Modeling record of *Churn Radar*" (iteration named from the second on)."""
    again = f" (iteration {iteration})" if iteration > 1 else ""
    return f"the {Phase(phase).title} record{again} of *{escape(project.name)}*"


def asked_person(entry: dict[str, Any]) -> str:
    role = role_title(str(entry.get("role", "")))
    if entry.get("standing_in"):
        return f"{user(str(entry.get('user', '')))} (product owner, for {role})"
    return f"{user(str(entry.get('user', '')))} ({role})"


def asked_people(request: DocRequest) -> str:
    return ", ".join(asked_person(entry) for entry in request.asked if isinstance(entry, dict))


def asked_line(request: DocRequest) -> str:
    phase = Phase(request.phase).title
    if not request.asked:
        return (f":memo: Documentation for {phase} is requested, but nobody holds a role that writes it: "
                "`docs` lists it until someone submits it.")
    return f":memo: Documentation for {phase} requested from {asked_people(request)}."


def prompt(project: Project, request: DocRequest, entry: dict[str, Any]) -> dict[str, Any]:
    """The DM asking one person for the phase's record."""
    role = role_title(str(entry.get("role", "")))
    why = "as its product owner, since nobody is " + role if entry.get("standing_in") else "as " + role
    reason = "the phase was left" if request.trigger == "phase-exit" else "a milestone was completed"
    line = f":memo: Please write {record_name(project, request.phase, request.iteration)} ({why}): {reason}."
    return message(line, [section(line),
                          context(f"The form asks for what {Phase(request.phase).title} should leave on record; "
                                  f"a link to a document is fine too. It is announced in "
                                  f"{channel(project.channel_id)}."),
                          actions(_open_button(project.id, request.phase, request.iteration, "Write the record",
                                               primary=True))])


def reminder(project: Project, request: DocRequest, number: int, of: int) -> dict[str, Any]:
    line = (f":hourglass_flowing_sand: Reminder {number} of {of}: "
            f"{record_name(project, request.phase, request.iteration)} is still missing.")
    note = "After this one it is listed as overdue." if number == of else \
        f"Requested {slack_date(request.requested_at)}."
    return message(line, [section(line), context(note),
                          actions(_open_button(project.id, request.phase, request.iteration, "Write the record",
                                               primary=True))])


def answered_prompt(project: Project, record: DocRecord) -> dict[str, Any]:
    """What the DMs asking for a record become once it is in."""
    line = (f":white_check_mark: {record_name(project, record.phase, record.iteration)} is in: submitted by "
            f"{user(record.author)} (version {record.version}).")
    return message(line, [section(line), actions(_open_button(project.id, record.phase, record.iteration, "Edit"))])


def nobody_to_ask(project: Project, request: DocRequest, uncovered: Sequence[Role], slash: str) -> dict[str, Any]:
    roles = ", ".join(role.title for role in uncovered)
    line = (f":warning: Nobody holds {roles} on *{escape(project.name)}*, and there is no product owner to "
            f"stand in, so nobody was asked for that part of the {Phase(request.phase).title} record.")
    return message(line, [section(line), context(f"`{slash} role add @user ROLE` fills it; `{slash} docs` lists "
                                                 "the request, and anyone on the team can submit it.")])


def form(project: Project, phase: Phase, iteration: int, latest: DocRecord | None) -> dict[str, Any]:
    """The phase's fields and a link, prefilled with the latest version (editing stores the next one)."""
    def field_block(block_id: str, action_id: str, label: str, hint: str, initial: str | None, *,
                    optional: bool, multiline: bool, limit: int) -> dict[str, Any]:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline,
                                   "max_length": limit, "placeholder": plain(hint, 150)}
        if initial:
            element["initial_value"] = initial[:limit]
        return {"type": "input", "block_id": block_id, "optional": optional, "label": plain(label, 2000),
                "element": element}

    stored = latest.fields if latest is not None and isinstance(latest.fields, dict) else {}
    intro = f"{record_name(project, phase.value, iteration)}."
    intro = intro[0].upper() + intro[1:]
    if latest is not None:
        intro += f" Showing version {latest.version} by {user(latest.author)}; sending stores version " \
                 f"{latest.version + 1}."
    blocks = [section(intro)]
    for field in FIELDS[phase]:
        value = stored.get(field.key)
        blocks.append(field_block(BlockId.DOC_FIELD_PREFIX + field.key, InputId.DOC_TEXT, field.label, field.hint,
                                  value if isinstance(value, str) else None, optional=not field.required,
                                  multiline=True, limit=FIELD_LIMIT))
    blocks.append(field_block(BlockId.DOC_LINK, InputId.DOC_LINK, "Link to a document", "https://…",
                              latest.link if latest is not None else None, optional=True, multiline=False,
                              limit=LINK_LIMIT))
    return {
        "type": "modal",
        "callback_id": CallbackId.DOCS_RECORD,
        "title": plain("Documentation", 24),
        "submit": plain("Submit", 24),
        "close": plain("Cancel", 24),
        "private_metadata": open_value(project.id, phase.value, iteration),
        "blocks": blocks,
    }


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """{field key | "link": plain text} → Slack's {block_id: message}."""
    return {BlockId.DOC_LINK if key == "link" else BlockId.DOC_FIELD_PREFIX + key: text
            for key, text in errors.items()}


def record_announcement(project: Project, record: DocRecord) -> dict[str, Any]:
    """In the channel: who submitted which record, its fields (escaped, cut), and Edit."""
    edited = f" (version {record.version})" if record.version > 1 else ""
    line = f":memo: {user(record.author)} submitted {record_name(project, record.phase, record.iteration)}{edited}."
    blocks = [section(line)]
    for field in FIELDS[Phase(record.phase)]:
        text = record.fields.get(field.key) if isinstance(record.fields, dict) else None
        if isinstance(text, str) and text.strip():
            blocks.append(section(f"*{field.label}*\n" + clip(escape(text), ANNOUNCED_FIELD)))
    if record.link:
        blocks.append(section(f"*Link:* {link(record.link, 'Linked document')}"))
    blocks += [context(f"Submitted {slack_date(record.submitted_at)}"),
               actions(_open_button(project.id, record.phase, record.iteration, "Edit"))]
    return message(line, blocks)


# -- `docs` -------------------------------------------------------------------------------------------

def entry_block(project: Project, phase: str, iteration: int, record: DocRecord | None,
                requests: Sequence[tuple[DocRequest, str | None]]) -> dict[str, Any]:
    """One (phase, iteration): its latest record and the requests still open for it."""
    title = Phase(phase).title + (f" (iteration {iteration})" if iteration > 1 else "")
    lines = []
    overdue = any(request.overdue_at is not None for request, _ in requests)
    if requests:
        mark = ":warning: *overdue*" if overdue else ":hourglass_flowing_sand: requested"
        lines.append(f"*{title}* · {mark}")
        for request, milestone in requests:
            why = f"milestone *{escape(milestone)}* done" if milestone else "phase left"
            who = asked_people(request) or "nobody (no one holds the roles)"
            lines.append(f"{slack_date(request.requested_at)}, {why}: asked {who}; "
                         f"{request.reminders_sent} reminder{'s' if request.reminders_sent != 1 else ''} sent")
    else:
        lines.append(f"*{title}* · :white_check_mark: submitted")
    if record is not None:
        lines.append(f"Version {record.version} by {user(record.author)}, {slack_date(record.submitted_at)}")
    label = "Submit" if requests else "Edit"
    return section("\n".join(lines), accessory=_open_button(project.id, phase, iteration, label,
                                                            primary=bool(requests)))


def listing(project: Project, records: Sequence[DocRecord], requests: Sequence[tuple[DocRequest, str | None]],
            slash: str) -> dict[str, Any]:
    """Per phase (in CRISP-DM order) and iteration: submitted, requested or overdue, with Submit / Edit."""
    order = {phase.value: phase.number for phase in Phase}
    keys: dict[tuple[str, int], tuple[DocRecord | None, list]] = {}
    for record in records:
        keys[(record.phase, record.iteration)] = (record, [])
    for request, milestone in requests:
        record, open_ones = keys.setdefault((request.phase, request.iteration), (None, []))
        open_ones.append((request, milestone))
    entries = sorted(keys.items(), key=lambda item: (item[0][1], order.get(item[0][0], 0)))
    overdue = sum(1 for request, _ in requests if request.overdue_at is not None)
    gist = (f"Documentation of {escape(project.name)}: {len(records)} submitted, "
            f"{len(requests) - overdue} requested, {overdue} overdue")
    blocks: list[dict[str, Any]] = [header(f"Documentation: {project.name}")]
    for (phase, iteration), (record, open_ones) in entries[:ENTRIES_SHOWN]:
        blocks.append(entry_block(project, phase, iteration, record, open_ones))
    if len(entries) > ENTRIES_SHOWN:
        blocks.append(context(f"…and {len(entries) - ENTRIES_SHOWN} more."))
    current = (project.phase, project.iteration)
    if current not in keys:
        blocks.append(section(f"Nothing recorded for {Phase(project.phase).title} yet.",
                              accessory=_open_button(project.id, *current, "Write it now")))
    blocks.append(context(f"Records are asked for when a milestone is done (`{slash} milestone done NAME`) and "
                          "when a phase is left."))
    return message(gist, blocks)


def status_line(pending: int, overdue: int, slash: str) -> str:
    if not pending and not overdue:
        return "*Documentation:* nothing pending"
    parts = []
    if pending:
        parts.append(f"{pending} requested")
    if overdue:
        parts.append(f":warning: *{overdue} overdue*")
    return "*Documentation:* " + " · ".join(parts) + f" (`{slash} docs`)"


def _phases_named(requests: Sequence[DocRequest]) -> str:
    return ", ".join(Phase(r.phase).title + (" (overdue)" if r.overdue_at is not None else "") for r in requests)


def home_line(requests: Sequence[DocRequest], slash: str) -> str | None:
    """App Home: the records asked of the person in one project."""
    if not requests:
        return None
    named = _phases_named(requests)
    return f":memo: Documentation asked of you: {named} (`{slash} docs`)"



def home_unassigned_line(requests: Sequence[DocRequest], slash: str) -> str | None:
    """App Home, for a project's leads: the records requested of nobody (no one held the role, no product
    owner stood in), so they are not lost; anyone on the team may submit them."""
    if not requests:
        return None
    named = _phases_named(requests)
    return f":memo: Documentation nobody was asked for: {named}; anyone on the team can submit it (`{slash} docs`)"


def home_submit_buttons(requests: Sequence[DocRequest], at_most: int) -> list[dict[str, Any]]:
    """One Submit button per (phase, iteration) of these requests, the same as `docs` shows."""
    targets = list(dict.fromkeys((r.project_id, r.phase, r.iteration) for r in requests))
    return [_open_button(project_id, phase, iteration,
                         f"Submit {Phase(phase).title}" + (f" ({iteration})" if iteration > 1 else ""), primary=True)
            for project_id, phase, iteration in targets[:at_most]]
