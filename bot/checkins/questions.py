"""A project's own check-in questions (`checkin questions` opens the form). The default are the four the
team is asked unless a lead changes them: progress, blockers, confidence, help needed. Leads rename the text
ones and add up to two more; the confidence question always stays (the summary's spread comes from it).
Answers to the renamed ones keep their meaning (blockers are still blockers in the summary and the digest);
answers to added ones are kept per question key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import FormErrors, Refused, UserError
from bot.permissions import Action, Caller
from bot.services import Services
from bot.text import clean_text
from bot.views import checkin_questions as views
from storage.queries import audit, team
from storage.queries import checkins as rows
from storage.queries import schedules as schedule_rows

TEXT_LIMIT = 150
MAX_QUESTIONS = 6
CONFIDENCE = "confidence"
# The text questions every project has (renamable, not removable), and the keys of added ones.
BUILT_IN = ("progress", "blockers", "help")
EXTRA_KEYS = ("q1", "q2")
DEFAULT_TEXTS = {"progress": "Progress since last time", "blockers": "Blockers",
                 CONFIDENCE: "Will the phase end on time?", "help": "Help needed from stakeholders"}


@dataclass(frozen=True)
class Question:
    key: str   # progress | blockers | confidence | help | q1 | q2
    text: str  # as typed by a lead (the confidence one is asked about the current phase)

    @property
    def added(self) -> bool:
        return self.key in EXTRA_KEYS


DEFAULT = tuple(Question(key, DEFAULT_TEXTS[key]) for key in ("progress", "blockers", CONFIDENCE, "help"))


def from_stored(stored: list[Any] | None) -> tuple[Question, ...]:
    """What a row holds, read strictly (anything odd falls back to the default text)."""
    if not stored:
        return DEFAULT
    found: dict[str, str] = {}
    for item in stored:
        if isinstance(item, dict) and item.get("key") in (*DEFAULT_TEXTS, *EXTRA_KEYS) \
                and isinstance(item.get("text"), str) and item["text"].strip():
            found.setdefault(item["key"], item["text"][:TEXT_LIMIT])
    questions = [Question(key, found.get(key, DEFAULT_TEXTS[key])) for key in ("progress", "blockers", CONFIDENCE,
                                                                              "help")]
    return tuple(questions + [Question(key, found[key]) for key in EXTRA_KEYS if key in found])


async def questions_for(session: AsyncSession, project_id: int) -> tuple[Question, ...]:
    return from_stored(await rows.questions_of(session, project_id))


async def questions_in(session: AsyncSession, project_ids: list[int]) -> dict[int, tuple[Question, ...]]:
    """`questions_for` each of `project_ids`, read at once."""
    return {project_id: from_stored(stored)
            for project_id, stored in (await rows.questions_in(session, project_ids)).items()}


def from_form(values: dict[str, Any]) -> tuple[Question, ...]:
    """The form's fields ({key: text typed}), cleaned; FormErrors naming each bad one, nothing stored."""
    errors: dict[str, str] = {}
    texts: dict[str, str] = {}
    for key in (*BUILT_IN, *EXTRA_KEYS):
        raw = values.get(key)
        text = clean_text(raw if isinstance(raw, str) else "", single_line=True).strip()
        if len(text) > TEXT_LIMIT:
            errors[key] = f"Keep a question to {TEXT_LIMIT} characters (this one has {len(text)})."
        elif not text and key in BUILT_IN:
            errors[key] = "This question stays; give it a text (empty is not allowed)."
        elif text:
            texts[key] = text
    seen: dict[str, str] = {}
    for key, text in texts.items():
        if text.casefold() in seen:
            errors.setdefault(key, "The same question twice; change or empty one of them.")
        seen[text.casefold()] = key
    if errors:
        raise FormErrors(errors)
    questions = [Question(key, texts[key]) for key in BUILT_IN[:2]] + [DEFAULT[2], Question("help", texts["help"])]
    questions += [Question(key, texts[key]) for key in EXTRA_KEYS if key in texts]
    assert len(questions) <= MAX_QUESTIONS
    return tuple(questions)


async def save_from_form(services: Services, *, team_id: str, user_id: str, project_id: int | None,
                         values: dict[str, Any]) -> tuple[Question, ...]:
    """The questions form's submission; its submitter's roles are read now (a lead then may not be one now)."""
    questions = from_form(values)
    now = services.clock.now()
    async with services.db.transaction() as session:
        project = await schedule_rows.project_of(session, project_id) if project_id is not None else None
        if project is None or project.archived_at is not None or project.team_id != team_id:
            raise UserError("This project is archived or gone; nothing was saved.")
        caller = Caller(team_id=team_id, user_id=user_id, is_admin=services.is_admin(user_id),
                        roles=await team.roles_of(session, project.id, user_id))
        try:
            caller.require(Action.MANAGE_SCHEDULES)
        except Refused as exc:
            raise UserError(exc.message) from None
        before = await questions_for(session, project.id)
        if before == questions:
            return questions
        stored = [{"key": q.key, "text": q.text} for q in questions]
        await rows.set_questions(session, team_id=team_id, project_id=project.id, questions=stored, user_id=user_id,
                                 now=now)
        await audit.record(session, team_id=team_id, project_id=project.id, actor_id=user_id,
                           action="checkin.questions", now=now, questions=stored)
        await services.outbox.post(session, team_id, project.channel_id,
                                   views.changed_announcement(project, questions, user_id), requested_by=user_id)
    return questions
