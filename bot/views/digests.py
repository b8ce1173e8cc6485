"""The stakeholder digest DM: phase and time in it, moves and iterations since the last digest, the latest
check-in's confidence and blockers, open alert groups, milestones done and due, overdue documentation and
recent feedback. Long lists end in "and N more", so the message stays within Slack's limits whatever the
project holds."""

from __future__ import annotations

from typing import Any

from bot.crisp_dm import Phase
from bot.digests.content import Digest, FeedbackFacts
from bot.docs.summary import DigestFacts
from bot.views.blocks import bounded_lines, context, header, message, section
from bot.views.checkins import person_lines, shorten, spread
from bot.views.docs import asked_people
from bot.views.milestones import milestone_line
from bot.views.mrkdwn import code, escape, slack_date, user
from bot.views.phase_time import day_in_phase, target_slip

MOVES_SHOWN = 10
ALERTS_SHOWN = 5
BLOCKERS_SHOWN = 8
MILESTONES_SHOWN = 10   # of those done, and of those due
DOCS_SHOWN = 8
FEEDBACK_SHOWN = 5
FEEDBACK_LIMIT = 300    # characters of one piece of feedback (before escaping)


def _phase_line(digest: Digest) -> str:
    project = digest.project
    phase = Phase(project.phase)
    day = day_in_phase(project.phase_since, digest.now)
    line = f"*{phase.title}* (phase {phase.number} of 6) · day {day} · iteration {project.iteration}"
    if digest.iterations_since:
        line += f" ({digest.iterations_since} new since the last digest)"
    if digest.slip_days is not None:
        mark = ":warning: " if digest.slip_days > 0 else ""
        line += f"\n{mark}{target_slip(digest.slip_days, digest.target)}"
    return line


def _move_line(move) -> str:
    arrow = ":leftwards_arrow_with_hook:" if move.backward else ":arrow_right:"
    line = (f"{arrow} {Phase(move.from_phase).title} → *{Phase(move.to_phase).title}* by {user(move.actor_id)}, "
            f"{slack_date(move.created_at)}")
    if move.note:
        line += f": {escape(shorten(move.note, 300))}"
    return line


def _moves_section(digest: Digest) -> str:
    if not digest.moves:
        return "*Phase moves:* none since the last digest."
    moves = list(digest.moves)[-MOVES_SHOWN:]
    lines = [_move_line(move) for move in moves]
    if len(digest.moves) > MOVES_SHOWN:
        lines.insert(0, f"_{len(digest.moves) - MOVES_SHOWN} earlier moves not shown_")
    for move, days_past in digest.left_phases():
        lines.append(f"_{Phase(move.from_phase).title} ended {target_slip(days_past, digest.targets[move.from_phase])}_")
    back = digest.iterations_since
    title = f"*Phase moves* ({len(digest.moves)}" + (f", {back} back: new iteration{'s' if back != 1 else ''}"
                                                      if back else "") + ")"
    return title + "\n" + "\n".join(lines)


def _checkin_section(digest: Digest) -> str:
    run = digest.checkin
    if run is None:
        return "*Check-ins:* none yet."
    answers = digest.answers
    head = (f"*Latest check-in* ({slack_date(run.opened_at)}): {len(answers)} of {len(run.asked)} answered · "
            f"{spread(answers)}")
    blockers = [(a.user_id, a.blockers) for a in answers if a.blockers.strip()]
    body = ("*Blockers*\n" + person_lines(blockers, BLOCKERS_SHOWN)) if blockers else "No blockers reported."
    helps = [(a.user_id, a.help_needed) for a in answers if a.help_needed.strip()]
    if helps:
        body += "\n*Help asked of stakeholders*\n" + person_lines(helps, BLOCKERS_SHOWN)
    return head + "\n" + body


def _alerts_section(digest: Digest) -> str:
    total = digest.open_total
    if total == 0:
        return "*Open alerts:* none."
    lines = [f"• {escape(shorten(g.title, 300))} ({escape(shorten(g.severity, 32))})" for g in digest.open_groups]
    if total > len(digest.open_groups):
        lines.append(f"_and {total - len(digest.open_groups)} more_")
    return f"*Open alerts:* {total} group{'s' if total != 1 else ''}\n" + "\n".join(lines)


def _since(digest: Digest) -> str:
    return "since the project started" if digest.first else "since the last digest"


def _milestone_sections(digest: Digest, facts: DigestFacts | None) -> list[str]:
    done = list(facts.milestones_done) if facts else []
    due = list(facts.milestones_due) if facts else []
    if not done and not due:
        return [f"*Milestones:* none done {_since(digest)}, none due within a week."]
    texts = []
    if done:
        newest = [milestone_line(m, facts.today) for m in reversed(done[-MILESTONES_SHOWN:])]
        texts.append(bounded_lines(f"*Milestones done {_since(digest)}:* {len(done)}", newest, len(done)))
    else:
        texts.append(f"*Milestones done:* none {_since(digest)}.")
    if due:
        overdue = len(facts.overdue_milestones())
        head = (f"*Milestones due:* {overdue} overdue" if overdue else "*Milestones due:* none overdue") + \
            f", {len(due) - overdue} due within a week"
        texts.append(bounded_lines(head, [milestone_line(m, facts.today) for m in due[:MILESTONES_SHOWN]], len(due)))
    else:
        texts.append("*Milestones due:* none overdue or due within a week.")
    return texts


def _docs_line(request) -> str:
    iteration = f" (iteration {request.iteration})" if request.iteration > 1 else ""
    who = asked_people(request) or "nobody (no one holds the roles)"
    when = f", overdue since {slack_date(request.overdue_at)}" if request.overdue_at else ""
    return f":warning: {Phase(request.phase).title}{iteration}: asked {who}{when}"


def _docs_section(facts: DigestFacts | None) -> str:
    requests = list(facts.overdue_docs) if facts else []
    if not requests:
        return "*Overdue documentation:* none."
    head = f"*Overdue documentation:* {len(requests)} record{'s' if len(requests) != 1 else ''} still missing"
    return bounded_lines(head, [_docs_line(r) for r in requests[:DOCS_SHOWN]], len(requests))


def _weeks_line(weeks) -> str:
    counts = [f"{monday.day} {monday:%b}: {count}" for monday, count in weeks]
    return "Per week (from Monday): " + " · ".join(counts) + " (this week)" if counts else ""


def _feedback_section(digest: Digest, feedback: FeedbackFacts) -> str:
    if feedback.quiet:
        return f"*Feedback on the model:* none in the last {len(feedback.weeks) or 4} weeks."
    head = f"*Feedback on the model:* {feedback.new_total or 'none'} new {_since(digest)}"
    weeks = _weeks_line(feedback.weeks)
    if weeks:
        head += "\n" + weeks
    lines = [f"• {user(f.author)}, {slack_date(f.created_at)}: {escape(shorten(f.text, FEEDBACK_LIMIT))}"
             for f in feedback.new[:FEEDBACK_SHOWN]]
    return bounded_lines(head, lines, feedback.new_total)


def _still_overdue(facts: DigestFacts | None) -> str:
    """The one-line digest's reminder of what is still overdue (nothing new, but not nothing)."""
    if facts is None:
        return ""
    parts = []
    if overdue := len(facts.overdue_milestones()):
        parts.append(f"{overdue} milestone{'s' if overdue != 1 else ''}")
    if facts.overdue_docs:
        parts.append(f"{len(facts.overdue_docs)} record{'s' if len(facts.overdue_docs) != 1 else ''}")
    return f" Still overdue: {' and '.join(parts)}." if parts else ""


def _latest_blocker(digest: Digest) -> str | None:
    for answer in sorted(digest.answers, key=lambda a: a.updated_at, reverse=True):
        if answer.blockers.strip():
            return escape(shorten(answer.blockers, 300))
    return None


def digest(digest: Digest, slash: str) -> dict[str, Any]:
    project = digest.project
    phase = Phase(project.phase)
    day = day_in_phase(project.phase_since, digest.now)
    name = escape(project.name)
    if digest.nothing_new:
        line = (f":zzz: Nothing new on *{name}* since {slack_date(digest.since)}: still in {phase.title}, "
                f"day {day}, iteration {project.iteration}.{_still_overdue(digest.docs)}")
        return message(line, [section(line)])
    gist = f"{name} digest: {phase.title}, day {day}, iteration {project.iteration}"
    gist += f"; {digest.open_total} open alert group{'s' if digest.open_total != 1 else ''}"
    blocker = _latest_blocker(digest)
    if blocker:
        gist += f"; latest blocker: {blocker}"
    since = _since(digest) if digest.first else f"since the last digest ({slack_date(digest.since)})"
    blocks = [
        header(f"Digest: {project.name}"),
        section(_phase_line(digest)),
        section(_moves_section(digest)),
        section(_checkin_section(digest)),
        section(_alerts_section(digest)),
        *[section(text) for text in _milestone_sections(digest, digest.docs)],
        section(_docs_section(digest.docs)),
        section(_feedback_section(digest, digest.feedback)),
        context(f"What changed {since}. You get this as a stakeholder of *{name}*; "
                f"{code(f'{slash} status')} in the project channel has the full card."),
    ]
    return message(gist, blocks)


def sent_reply(count: int) -> dict[str, Any]:
    line = f":incoming_envelope: Digest sent to {count} stakeholder{'s' if count != 1 else ''} by DM."
    return message(line, [section(line)])
