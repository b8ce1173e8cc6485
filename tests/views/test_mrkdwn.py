"""bot.views.mrkdwn: user text escaped once, our own tokens from trusted ids, clipping that never cuts a
token, and the console showing escaped text as it was typed."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from bot.console.render_text import mrkdwn_to_text
from bot.views.mrkdwn import channel, clip, code, escape, slack_date, to_plain, user, without_marks
from tests.slack_text import live_tokens

HOSTILE = ["&lt;!channel&gt;", "<!here>", "&lt;@U1&gt;", "<https://x|y>", "<!subteam^S1>", "*", "_", "~", "`",
           "&amp;", "<@U0ADMIN>", "<#C0CHURN|churn>", "<!date^1^{date}^https://evil.example|soon>"]
TOKEN = re.compile(r"<[^<>]*>")


@pytest.mark.parametrize("text", HOSTILE + [" ".join(HOSTILE), "R&D <Forecast>", "snake_case *v2* ~old~ `x`"])
def test_escaped_text_has_nothing_live_and_reads_as_typed(text):
    escaped = escape(text)
    assert live_tokens(escaped, users=set(), channels=set()) == []
    # No formatting mark is left outside a literal token, so none can pair with our own `*…*`.
    assert not re.search(r"[*_~`]", TOKEN.sub("", escaped))
    # Slack (and the console) show the date token's fallback: the plain character.
    assert mrkdwn_to_text(escape(text)) == text
    assert mrkdwn_to_text(f"*{escape(text)}*") == f"*{text}*"


def test_marks_become_literal_date_tokens_and_a_run_is_one_token():
    assert escape("a*b") == "a<!date^00000000^{_}|*>b"
    assert escape("__init__") == "<!date^00000000^{_}|__>init<!date^00000000^{_}|__>"


def test_escaping_is_of_raw_text_only_once():
    assert escape("&amp;") == "&amp;amp;"  # a typed `&amp;` shows as `&amp;`
    assert escape("a & b") == "a &amp; b"


def test_emoji_shortcodes_keep_their_underscores():
    assert escape(":white_check_mark: done_now") == ":white_check_mark: done<!date^00000000^{_}|_>now"
    # Lookalikes whose underscores could pair up as italics are escaped like any other text.
    assert escape(":_b: x :a_:") == ":<!date^00000000^{_}|_>b: x :a<!date^00000000^{_}|_>:"


def test_code_spans_escape_entities_and_cannot_be_closed_early():
    assert code("a<!here>&`b`*_") == "`a&lt;!here&gt;&amp;\u02cbb\u02cb*_`"
    assert live_tokens(code("<!channel> <https://x|y>"), users=set(), channels=set()) == []


def test_our_own_tokens_come_only_from_ids():
    assert user("U0ALICE") == "<@U0ALICE>"
    assert channel("C0CHURN") == "<#C0CHURN>"
    for bad in ["U1><!here", "<!channel>", "C0X|evil", "", "u0lower"]:
        assert live_tokens(user(bad), users=set(), channels=set()) == []
        assert live_tokens(channel(bad), users=set(), channels=set()) == []
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    assert slack_date(moment) == "<!date^1714566600^{date_short_pretty} {time}|2024-05-01 12:30 UTC>"


@pytest.mark.parametrize("limit", range(1, 80))
def test_clipping_never_cuts_a_token_or_an_entity(limit):
    text = escape("a_b & <c> *d* ") * 3 + "<@U0ALICE> <!date^1^{date}|x>"
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    body = clipped.removesuffix("…")
    assert text.startswith(body)
    # Whatever is kept holds whole tokens and entities only.
    assert TOKEN.sub("", body).count("<") == 0
    assert not re.search(r"&(?!amp;|lt;|gt;)", body)


def test_short_text_is_not_clipped():
    assert clip("abc", 3) == "abc"
    assert clip("abcd", 3) == "ab…"


def test_to_plain_turns_our_mrkdwn_into_plain_words():
    composed = f"A project called *{escape('R&D *x*')}* already exists in {channel('C0CHURN')}."
    assert to_plain(composed) == "A project called R&D *x* already exists in another channel."


def test_without_marks_keeps_literal_tokens_whole_and_code_marks_literal():
    assert without_marks(f"*{escape('a*b')}* `c`") == "a<!date^00000000^{_}|*>b c"
    assert without_marks(f"I don't know {code('_x_')}.") == "I don't know <!date^00000000^{_}|_>x<!date^00000000^{_}|_>."
