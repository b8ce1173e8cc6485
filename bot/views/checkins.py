"""Check-ins: the DM asking for one, its form, the reminder, and the summary in the project channel."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.checkins.questions import DEFAULT, DEFAULT_TEXTS, Question
from bot.crisp_dm import Phase
from bot.views.checkin_team import away_line
from bot.views.blocks import actions, button, context, header, message, plain, section
from bot.views.ids import ActionId, BlockId, CallbackId, InputId
from bot.views.mrkdwn import channel, escape, slack_date, user
from storage.tables import CheckinAnswer, Project, ScheduleRun

ANSWER_LIMIT = 2000
# (value, label, emoji), in the order the form offers them.
CONFIDENCE = (("on-track", "On track", ":large_green_circle:"), ("at-risk", "At risk", ":large_yellow_circle:"),
              ("off-track", "Off track", ":red_circle:"))
CONFIDENCE_VALUES = tuple(value for value, _, _ in CONFIDENCE)
LABELS = {value: label for value, label, _ in CONFIDENCE}
EMOJI = {value: emoji for value, _, emoji in CONFIDENCE}
# Lines of blockers / help shown per summary section before "and N more".
SUMMARY_LINES = 12
EXTRA_LINES = 6  # per added question (two at most), so a summary stays within 50 blocks and its size
# Characters of one person's answer shown in a summary line (cut before escaping, so no token is split).
LINE_LIMIT = 300


def _value(run: ScheduleRun) -> str:
    return json.dumps({"r": run.id})


def prompt(project: Project, run: ScheduleRun, *, answered: bool = False) -> dict[str, Any]:
    """The DM asking one team member for their check-in (after they answered: how to change it)."""
    phase = Phase(project.phase)
    until = slack_date(run.closes_at) if run.closes_at else "the window closes"
    if answered:
        line = f":white_check_mark: Thanks: your check-in for *{escape(project.name)}* is in."
        note = f"You can change it until {until}."
        label = "Edit my answer"
    else:
        line = (f":wave: Check-in time for *{escape(project.name)}* ({phase.title}): how is it going? "
                "It takes a minute.")
        note = f"Answers are taken until {until}; the team sees a summary in {channel(project.channel_id)} then."
        label = "Answer the check-in"
    return message(line, [section(line), context(note), actions(answer_button(run, label, primary=not answered))])


def answer_button(run: ScheduleRun, label: str, *, primary: bool) -> dict[str, Any]:
    """Opens the run's form (prefilled once answered): the DM's, the reminder's and App Home's button."""
    return button(label, ActionId.CHECKIN_OPEN, value=_value(run), style="primary" if primary else None)


def reminder(project: Project, run: ScheduleRun) -> dict[str, Any]:
    until = slack_date(run.closes_at) if run.closes_at else "soon"
    line = f":hourglass_flowing_sand: A reminder: the check-in for *{escape(project.name)}* closes {until}."
    return message(line, [section(line), actions(answer_button(run, "Answer the check-in", primary=True))])


def form(project: Project, run: ScheduleRun | None, answer: CheckinAnswer | None,
         questions: Sequence[Question] = DEFAULT, *, metadata: dict[str, Any] | None = None,
         note: str | None = None) -> dict[str, Any]:
    """The project's questions, prefilled with an earlier answer (plain text inputs show it as typed).
    `metadata` is what the submission carries back (default: the run); `note` replaces the window line."""
    phase = Phase(project.phase)
    extra = answer.extra if answer is not None and isinstance(answer.extra, dict) else {}
    initial = {"progress": answer.progress, "blockers": answer.blockers, "help": answer.help_needed,
               **extra} if answer is not None else {}
    hints = {"progress": "e.g. Finished the feature audit", "blockers": "Anything in your way? Leave empty if nothing",
             "help": "e.g. Access to the billing data"}
    text_ids = {"progress": (BlockId.CHECKIN_PROGRESS, InputId.CHECKIN_PROGRESS),
                "blockers": (BlockId.CHECKIN_BLOCKERS, InputId.CHECKIN_BLOCKERS),
                "help": (BlockId.CHECKIN_HELP, InputId.CHECKIN_HELP)}

    def text_field(question: Question) -> dict[str, Any]:
        block_id, action_id = text_ids.get(question.key, (extra_block(question.key), InputId.CHECKIN_EXTRA))
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "multiline": True,
                                   "max_length": ANSWER_LIMIT,
                                   "placeholder": plain(hints.get(question.key, "Leave empty to skip"), 150)}
        if isinstance(initial.get(question.key), str) and initial[question.key]:
            element["initial_value"] = initial[question.key]
        return {"type": "input", "block_id": block_id, "optional": question.key != "progress",
                "label": plain(question.text, 2000), "element": element}

    def option(value: str) -> dict[str, Any]:
        return {"text": plain(LABELS[value], 75), "value": value}

    select: dict[str, Any] = {"type": "static_select", "action_id": InputId.CHECKIN_CONFIDENCE,
                              "placeholder": plain("Choose one", 150),
                              "options": [option(value) for value in CONFIDENCE_VALUES]}
    if answer is not None and answer.confidence in LABELS:
        select["initial_option"] = option(answer.confidence)
    fields = [{"type": "input", "block_id": BlockId.CHECKIN_CONFIDENCE, "element": select,
               "label": plain(f"Will {phase.title} end on time?", 2000)} if q.key == "confidence" else text_field(q)
              for q in questions]
    if note is None:
        note = f" Answers are taken until {slack_date(run.closes_at)}." if run and run.closes_at else ""
    return {
        "type": "modal",
        "callback_id": CallbackId.CHECKIN_ANSWER,
        "title": plain("Check-in", 24),
        "submit": plain("Send", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps(metadata if metadata is not None else {"r": run.id if run else None}),
        "blocks": [section(f"*{escape(project.name)}* is in *{phase.title}*." + note), *fields],
    }


def early_note(slot: datetime) -> str:
    return (f" This answer is for the check-in of {slack_date(slot)}: you will not be asked then, and you can "
            "change it until it starts.")


def extra_block(key: str) -> str:
    return f"{BlockId.CHECKIN_EXTRA_PREFIX}{key}"


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """{"progress"|"confidence"|...|"q1": plain text} → Slack's {block_id: message}."""
    blocks = {"progress": BlockId.CHECKIN_PROGRESS, "blockers": BlockId.CHECKIN_BLOCKERS,
              "confidence": BlockId.CHECKIN_CONFIDENCE, "help": BlockId.CHECKIN_HELP}
    return {blocks.get(field, extra_block(field)): text for field, text in errors.items()}


def spread(answers: Sequence[CheckinAnswer]) -> str:
    counts = {value: 0 for value in CONFIDENCE_VALUES}
    for answer in answers:
        if answer.confidence in counts:
            counts[answer.confidence] += 1
    return " · ".join(f"{EMOJI[value]} {counts[value]} {LABELS[value].lower()}" for value in CONFIDENCE_VALUES)


def person_lines(items: Sequence[tuple[str, str]], limit: int = SUMMARY_LINES) -> str:
    """"• @ann: text" per (user id, text typed), clipped, with "and N more"."""
    lines = [f"• {user(user_id)}: {escape(shorten(text, LINE_LIMIT))}" for user_id, text in items[:limit]]
    if len(items) > limit:
        lines.append(f"_and {len(items) - limit} more_")
    return "\n".join(lines)


def shorten(text: str, limit: int) -> str:
    """Typed text on one line, cut to `limit` characters (before it is escaped)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def people(user_ids: Sequence[str], limit: int = 40) -> str:
    shown = ", ".join(user(u) for u in user_ids[:limit])
    return shown + (f" and {len(user_ids) - limit} more" if len(user_ids) > limit else "")


def summary(project: Project, run: ScheduleRun, answers: Sequence[CheckinAnswer],
            away: Mapping[str, Any] | None = None, questions: Sequence[Question] = DEFAULT) -> dict[str, Any]:
    """Posted in the project channel when the window closes: who answered, blockers, confidence spread,
    help asked for, who did not answer, who was away (`away`: {user id: reason}, else the run's)."""
    away = dict(run.away or {}) if away is None else dict(away)
    asked = [u for u in run.asked if isinstance(u, str)]
    answered = [a.user_id for a in answers]
    away = {u: why for u, why in away.items() if isinstance(u, str) and u not in answered}
    silent = [u for u in asked if u not in answered and u not in away]
    blockers = [(a.user_id, a.blockers) for a in answers if a.blockers.strip()]
    helps = [(a.user_id, a.help_needed) for a in answers if a.help_needed.strip()]
    progress = [(a.user_id, a.progress) for a in answers if a.progress.strip()]
    gist = f"Check-in for {escape(project.name)}: {len(answered)} of {len(asked)} answered"
    if blockers:
        gist += f", {len(blockers)} with blockers"
    if silent:
        gist += f"; no answer from {people(silent, 10)}"
    if away:
        gist += f"; {len(away)} away"
    blocks = [header(f"Check-in: {project.name}"),
              section(f"*{len(answered)} of {len(asked)} answered* · {spread(answers)}")]
    if not asked and not away:
        blocks.append(section("Nobody holds a role in this project, so nobody was asked."))
    headings = {q.key: escape(q.text) if q.text != DEFAULT_TEXTS.get(q.key) else None for q in questions}
    if progress:
        blocks.append(section(f"*{headings.get('progress') or 'Progress'}*\n" + person_lines(progress)))
    blocks.append(section(f"*{headings.get('blockers') or 'Blockers'}*\n"
                          + (person_lines(blockers) if blockers else "None reported.")))
    if helps:
        blocks.append(section(f"*{headings.get('help') or 'Help needed from stakeholders'}*\n"
                              + person_lines(helps)))
    for question in (q for q in questions if q.added):
        said = [(a.user_id, a.extra[question.key]) for a in answers if isinstance(a.extra, dict)
                and isinstance(a.extra.get(question.key), str) and a.extra[question.key].strip()]
        if said:
            blocks.append(section(f"*{escape(question.text)}*\n" + person_lines(said, EXTRA_LINES)))
    if answered:
        blocks.append(context("Answered: " + people(answered)))
    if silent:
        blocks.append(context("No answer from " + people(silent)))
    if away:
        blocks.append(context(away_line(away)))
    blocks.append(context(f"Window {slack_date(run.opened_at)} to {slack_date(run.closed_at or run.closes_at)}"))
    return message(gist, blocks)


def started_reply(project: Project, run: ScheduleRun) -> dict[str, Any]:
    count = len(run.asked)
    if count == 0:
        line = ("Nobody holds a role in this project, so there is nobody to ask. "
                "Give people roles first (`role add @user ROLE`).")
    else:
        line = (f":wave: Check-in started: {count} {'person' if count == 1 else 'people'} asked by DM; "
                f"the summary comes here {slack_date(run.closes_at)}.")
    return message(line, [section(line)])


def already_open(run: ScheduleRun) -> str:
    return (f"A check-in is already open until {slack_date(run.closes_at)}; its summary comes then. "
            "Nothing new was started.")


def run_closed(closed_at: datetime | None) -> str:
    return "This check-in has closed" + (f" ({closed_at:%Y-%m-%d %H:%M} UTC)" if closed_at else "") + \
        "; answers are no longer taken."
