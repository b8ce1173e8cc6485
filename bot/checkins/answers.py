"""The fields of a check-in answer as the form sends them, cleaned and checked (for a run or an early answer)."""

from __future__ import annotations

from typing import Any

from bot.checkins.questions import Question
from bot.errors import FormErrors
from bot.text import clean_text
from bot.views import checkins as views


def _typed(value: Any) -> str:
    return clean_text(value if isinstance(value, str) else "").strip()


def answer_values(values: dict[str, Any], questions: tuple[Question, ...] = ()) -> dict[str, Any]:
    """The form's fields, cleaned; FormErrors naming each bad one. `questions`: the project's, whose added
    ones are answered in values["extra"] ({key: text})."""
    cleaned: dict[str, Any] = {field: _typed(values.get(field)) for field in ("progress", "blockers", "help")}
    typed_extra = values.get("extra") if isinstance(values.get("extra"), dict) else {}
    extra = {q.key: _typed(typed_extra.get(q.key)) for q in questions if q.added}
    cleaned.update(extra)
    errors = {field: f"Keep it to {views.ANSWER_LIMIT:,} characters." for field, text in cleaned.items()
              if len(text) > views.ANSWER_LIMIT}
    if not cleaned["progress"]:
        errors["progress"] = "Say in a line what moved since last time."
    confidence = values.get("confidence")
    if confidence not in views.CONFIDENCE_VALUES:
        errors["confidence"] = "Choose one: on track, at risk or off track."
    if errors:
        raise FormErrors(errors)
    return {**{field: cleaned[field] for field in ("progress", "blockers", "help")}, "confidence": confidence,
            "extra": {key: text for key, text in extra.items() if text}}
