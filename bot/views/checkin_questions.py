"""The form where a lead edits a project's check-in questions, and its announcement in the channel."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.views.blocks import context, message, plain, section
from bot.views.ids import BlockId, CallbackId, InputId
from bot.views.mrkdwn import escape, user
from storage.tables import Project

if TYPE_CHECKING:
    from bot.checkins.questions import Question

TEXT_LIMIT = 150
LABELS = {"progress": "Question 1 (progress)", "blockers": "Question 2 (blockers)",
          "help": "Question 4 (help needed)", "q1": "Question 5 (optional)", "q2": "Question 6 (optional)"}


def block_of(key: str) -> str:
    return f"{BlockId.CHECKIN_QUESTION_PREFIX}{key}"


def modal(project: Project, questions: Sequence[Question]) -> dict[str, Any]:
    """Each text question prefilled as stored (plain text inputs show it as typed); the confidence question
    is shown, not editable."""
    texts = {q.key: q.text for q in questions}

    def field(key: str) -> dict[str, Any]:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": InputId.CHECKIN_QUESTION,
                                   "max_length": TEXT_LIMIT,
                                   "placeholder": plain("e.g. What did you learn from the data?", 150)}
        if texts.get(key):
            element["initial_value"] = texts[key]
        return {"type": "input", "block_id": block_of(key), "optional": key in ("q1", "q2"),
                "label": plain(LABELS[key], 2000), "element": element}

    return {
        "type": "modal",
        "callback_id": CallbackId.CHECKIN_QUESTIONS,
        "title": plain("Check-in questions", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps({"project": project.id}),
        "blocks": [
            section(f"What *{escape(project.name)}*'s team is asked at each check-in. Rename the questions, or "
                    f"add up to two (each up to {TEXT_LIMIT} characters)."),
            field("progress"), field("blockers"),
            context("Question 3 is always asked: *Will the current phase end on time?* (on track / at risk / "
                    "off track); the summary's confidence spread comes from it."),
            field("help"), field("q1"), field("q2"),
        ],
    }


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """{question key: plain text} → Slack's {block_id: message}."""
    return {block_of(key): text for key, text in errors.items()}


def question_lines(questions: Sequence[Question]) -> str:
    return "\n".join(f"{number}. {escape(q.text) if q.key != 'confidence' else 'Will the current phase end on time?'}"
                     for number, q in enumerate(questions, start=1))


def changed_announcement(project: Project, questions: Sequence[Question], actor_id: str) -> dict[str, Any]:
    line = f":memo: {user(actor_id)} changed the check-in questions of *{escape(project.name)}*."
    return message(line, [section(line), section(question_lines(questions))])
