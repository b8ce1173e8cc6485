"""What people type after `phase set` and `phase next`: a phase (any alias, any case, one to three words)
and an optional note. Notes are stored as the person typed them."""

from __future__ import annotations

import difflib
import re

from bot.crisp_dm import PHASE_LOOKUP, PHASE_ORDER, Phase, normalise_word, parse_phase
from bot.errors import UserError
from bot.text import clean_text, require_length, rest_after, unescape_slack
from bot.views.mrkdwn import code

NOTE_LIMIT = 500
# In Slack-escaped slash text every `<…>` is Slack's own token: a mention, channel, broadcast or link.
_SLACK_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
CLOSE_ENOUGH = 0.5


def split_phase(text: str) -> tuple[Phase, str]:
    """`data preparation the model overfit` -> (data-preparation, "the model overfit"): the longest run of
    leading words (up to three) that names a phase, and the rest. Raises UserError with the closest name."""
    words = text.split()
    if not words:
        raise UserError("Which phase? `phase set PHASE [NOTE]`, e.g. `phase set modeling`.",
                        hint="Phases: " + ", ".join(code(p.value) for p in PHASE_ORDER) + ".")
    for count in range(min(3, len(words)), 0, -1):
        phase = parse_phase(" ".join(words[:count]))
        if phase is not None:
            _refuse_two_phases(words, count, phase)
            return phase, rest_after(text, count)
    typed = unescape_slack(words[0])
    suggestion = closest_phase(words[:2])
    said = f"I don't know the phase {code(typed)}."
    if suggestion is not None:
        said += f" Did you mean {code(suggestion.value)}?"
    raise UserError(said, hint="Phases: " + ", ".join(code(p.value) for p in PHASE_ORDER) + ".")


def _refuse_two_phases(words: list[str], count: int, phase: Phase) -> None:
    """`data prep` or `model evaluation`: the word after the phase names a phase too, so which one was
    meant is unclear; moving on a guess (and keeping the rest as the note) would be worse than asking."""
    if count < len(words):
        other = parse_phase(words[count])
        if other is not None and other != phase:
            typed = unescape_slack(" ".join(words[:count + 1]))
            raise UserError(f"{code(typed)} names two phases, {phase.title} and {other.title}: which one?",
                            hint="Give one phase name or alias, then the note: "
                                 f"`phase set {other.value} NOTE`.")


def closest_phase(words: list[str]) -> Phase | None:
    """The phase whose name or alias is most like the first word or two typed (difflib), if any is close."""
    candidates = [normalise_word(" ".join(words[:n])) for n in range(len(words), 0, -1)]
    best: tuple[float, Phase] | None = None
    for typed in candidates:
        for name, phase in PHASE_LOOKUP.items():
            ratio = difflib.SequenceMatcher(None, typed, name).ratio()
            if ratio >= CLOSE_ENOUGH and (best is None or ratio > best[0]):
                best = (ratio, phase)
    return best[1] if best else None


def note_from_command(text: str) -> str | None:
    """A note typed after a slash command: Slack's tokens become the words they show (`<@U1|ann>` ->
    `@ann`), Slack's escaping is undone once, and the text is cleaned. None when empty."""
    def shown(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "#")):
            return target[0] + (label or target[1:])
        if target.startswith("!"):
            # <!here>, <!channel>, <!subteam^S1|@team>: shown as words, never live again
            return label or "@" + target[1:].split("^")[0]
        return label or target

    return note_from_form(unescape_slack(_SLACK_TOKEN.sub(shown, text)))


def note_from_form(text: str | None) -> str | None:
    """A note typed into a modal: exactly what was typed, cleaned; None when empty."""
    note = clean_text(text).strip()
    if not note:
        return None
    return require_length(note, NOTE_LIMIT, "The note")
