"""Reading `@user ROLE` from slash text: a person as Slack escapes them, and a role by name or alias."""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

from bot.crisp_dm import ROLE_LOOKUP, Role, normalise_word, parse_role
from bot.errors import UserError
from bot.text import clean_text, unescape_slack
from bot.views.mrkdwn import code

# `<@U123|alice>` or `<@U123>`: how Slack sends a mention in escaped slash text.
USER_TOKEN = re.compile(r"<@([UW][A-Z0-9]{2,40})(?:\|[^<>]*)?>")
ANY_TOKEN = re.compile(r"<[^<>]*>")


class PersonAndRest(NamedTuple):
    user_id: str
    rest: str  # the other words, unescaped and cleaned


def person_and_rest(text: str, usage: str) -> PersonAndRest:
    """Exactly one mentioned person, anywhere in `text`, and what is left. `usage` is the command's form
    for the error line ("role add @user ROLE")."""
    people = USER_TOKEN.findall(text)
    if len(people) != 1:
        if people:
            raise UserError(f"Name one person at a time: {code(usage)}.")
        raise UserError(f"Name the person with an @-mention Slack links, e.g. {code(usage)}.")
    rest = USER_TOKEN.sub(" ", text, count=1)
    if ANY_TOKEN.search(rest):
        raise UserError(f"Only one person and the words of {code(usage)}, please; no channels or links.")
    return PersonAndRest(people[0], clean_text(unescape_slack(rest), single_line=True))


def role_from(text: str, usage: str) -> Role:
    """The role named by `text` (name or alias, any case, spaces or dashes); an unknown one is refused with
    the closest role name."""
    if not text:
        raise UserError(f"Which role? {code(usage)} with one of: {role_names()}.")
    role = parse_role(text)
    if role is not None:
        return role
    suggestion = closest_role(text)
    hint = f" Did you mean {code(suggestion.value)}?" if suggestion else ""
    raise UserError(f"I don't know the role {code(text)}.{hint}", hint=f"Roles: {role_names()}.")


def closest_role(text: str) -> Role | None:
    close = difflib.get_close_matches(normalise_word(text), list(ROLE_LOOKUP), n=1, cutoff=0.6)
    return ROLE_LOOKUP[close[0]] if close else None


def role_names() -> str:
    return ", ".join(code(role.value) for role in Role)


def no_words_after(rest: str, usage: str) -> None:
    if rest:
        raise UserError(f"{code(usage)} takes only the person; I don't know {code(rest)} there.")
