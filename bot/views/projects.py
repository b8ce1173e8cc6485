"""Messages and modals about projects as a whole."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.crisp_dm import Phase
from bot.views import guide as guides
from bot.views.blocks import actions, button, context, header, message, plain, section
from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from bot.views.mrkdwn import channel, code, escape, user
from bot.views.phase_time import day_in_phase
from storage.tables import Project


def phase_label(project: Project) -> str:
    phase = Phase(project.phase)
    return f"{phase.title} (phase {phase.number} of 6)"


def created_announcement(project: Project, slash: str, *, owner: bool = False,
                         guide: list[tuple[str, str]] = ()) -> dict[str, Any]:
    """`owner`: the creator became the product owner; `guide`: (usage, summary) of the commands that matter
    now."""
    name = escape(project.name)
    started = f":rocket: {user(project.created_by)} started *{name}* in this channel"
    started += " and is its *Product owner*." if owner else "."
    blocks = [section(f"{started}\nIt begins in *{phase_label(project)}*. {guides.WHAT_CRISP_DOES}")]
    if guide:
        blocks.append(guides.guide_section(Phase(project.phase), list(guide), slash))
    blocks.append(context(f"`{slash} status` shows the status card · alerts reach it as project "
                          f"{code(project.slug)} · `{slash} help` lists what you can do"))
    return message(f"New project: {name} starts in {Phase(project.phase).title}", blocks)


def already_tracks(project: Project) -> str:
    return (f"This channel already tracks *{escape(project.name)}*. "
            "Archive it first (`project archive`) or use another channel.")


def already_tracks_in_form(project: Project) -> str:
    """The same, as plain text in the create form's words."""
    return f"This channel already tracks {project.name}. Archive it first, or start the project from another channel."


def name_taken(clash: Project) -> str:
    return (f"A project called *{escape(clash.name)}* already exists in {channel(clash.channel_id)}. "
            "Pick another name.")


def name_taken_in_form(clash: Project) -> str:
    """The same, as plain text in the create form's words (a modal error cannot link a channel)."""
    return f"A project called {clash.name} already exists in another channel. Pick another name."


def no_project_here(slash: str) -> str:
    return f"This channel has no project yet. Start one with `{slash} project create NAME`."


def created_reply(project: Project, slash: str) -> dict[str, Any]:
    name = escape(project.name)
    return message(f"Created {name}; it is announced in this channel.", [
        section(f":white_check_mark: Created *{name}*; it is announced in this channel."),
        context(f"Next: `{slash} status` for its card."),
    ])


def archived_announcement(project: Project, actor_id: str, slash: str) -> dict[str, Any]:
    name = escape(project.name)
    return message(f"{name} is archived", [
        section(f":file_cabinet: {user(actor_id)} archived *{name}*. Its history is kept; "
                f"this channel can start a new project with `{slash} project create NAME`."),
    ])


def archived_reply(project: Project) -> dict[str, Any]:
    name = escape(project.name)
    return message(f"Archived {name}.", [section(f"Archived *{name}*.")])


def project_list(projects: list[Project], archived: int, now: datetime, slash: str) -> dict[str, Any]:
    if not projects:
        lines = f"No active projects yet. Start one in its channel with `{slash} project create NAME`."
        return message("No active projects yet.", [section(lines)])
    rows = [
        f"*{escape(p.name)}* · {channel(p.channel_id)} · {Phase(p.phase).title} · "
        f"day {day_in_phase(p.phase_since, now)}"
        for p in projects
    ]
    blocks = [header(f"Projects ({len(projects)})")]
    # A section holds 3,000 characters: split long lists over several, and stop well inside a message's
    # 50 blocks, saying how many were left out.
    chunk: list[str] = []
    shown = 0
    for row in rows:
        if chunk and sum(len(r) + 1 for r in chunk) + len(row) > 2900:
            if len(blocks) == LIST_SECTIONS:
                break
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(row)
        shown += 1
    blocks.append(section("\n".join(chunk)))
    notes = []
    if shown < len(projects):
        notes.append(f"…and {len(projects) - shown} more not shown.")
    if archived:
        notes.append(f"{archived} archived project{'s' if archived != 1 else ''} not shown.")
    if notes:
        blocks.append(context(" ".join(notes)))
    return message(_list_gist(projects), blocks)


# Sections of the list (after its header), leaving room for the note under it.
LIST_SECTIONS = 45
GIST_CHARACTERS = 3000


def _list_gist(projects: list[Project]) -> str:
    """The fallback text: every project while it stays short, then how many more."""
    parts: list[str] = []
    length = 0
    for p in projects:
        part = f"{escape(p.name)} ({Phase(p.phase).title})"
        if length + len(part) > GIST_CHARACTERS:
            break
        parts.append(part)
        length += len(part) + 2
    more = len(projects) - len(parts)
    summary = "; ".join(parts) + (f"; and {more} more" if more else "")
    return f"{len(projects)} active project{'s' if len(projects) != 1 else ''}: {summary}"


def create_button() -> dict[str, Any]:
    return button("Create a project", ActionId.OPEN_CREATE_PROJECT, style="primary")


def create_modal(channel_id: str, *, initial_name: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": InputId.PROJECT_NAME,
        "max_length": 80,
        "placeholder": plain("e.g. Churn Radar"),
    }
    if initial_name:
        element["initial_value"] = initial_name
    return {
        "type": "modal",
        "callback_id": CallbackId.CREATE_PROJECT,
        "title": plain("New project", 24),
        "submit": plain("Create", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"channel": channel_id}),
        "blocks": [
            section(f"The project will live in {channel(channel_id)} and start in *Business understanding*."),
            {"type": "input", "block_id": BlockId.PROJECT_NAME, "label": plain("Project name", 2000),
             "element": element},
        ],
    }


def intro_message(slash: str, guide: list[tuple[str, str]] = ()) -> dict[str, Any]:
    """Posted when the bot is added to a channel that has no project; `guide`: the commands to begin with."""
    blocks = [section(f":wave: Thanks for adding me. {guides.WHAT_CRISP_DOES}")]
    if guide:
        blocks.append(guides.guide_section(None, list(guide), slash))
    blocks += [actions(create_button()),
               context(f"Or type `{slash} project create NAME`. `{slash} help` lists everything.")]
    return message("Crisp is here: it keeps an ML project on track along CRISP-DM.", blocks)


def welcome_ephemeral(project: Project, now: datetime, slash: str) -> dict[str, Any]:
    """Shown to a person who joins a project's channel."""
    phase = Phase(project.phase).title
    day = day_in_phase(project.phase_since, now)
    name = escape(project.name)
    return message(f"Welcome to {name}: it is in {phase}, day {day}.", [
        section(f":wave: Welcome! This channel tracks *{name}*, now in *{phase}* (day {day}).\n"
                f"`{slash} status` shows where it stands."),
    ])


def name_field_error(text: str) -> dict[str, str]:
    """Field errors for the create form, keyed by the name's block. `text` is plain (Slack shows it as
    is): say it in the form's words, not in command syntax."""
    return {BlockId.PROJECT_NAME: text}
