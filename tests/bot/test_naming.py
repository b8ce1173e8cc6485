"""Project names: one rule set for slash text (Slack-escaped) and the create form (as typed); readable
slugs in any script, and a fallback that still tells names apart."""

from __future__ import annotations

import re

import pytest

from bot.projects.naming import FALLBACK_SLUG_PREFIX, NameRefused, NameSource, clean_name, slugify

COMMAND, FORM = NameSource.COMMAND, NameSource.FORM


@pytest.mark.parametrize("escaped, stored", [
    ("&lt;!channel&gt; launch", "<!channel> launch"),
    ("R&amp;D &lt;Forecast&gt;", "R&D <Forecast>"),
    ("&amp;lt;", "&lt;"),  # unescaped once: a typed `&lt;` stays `&lt;`
    ('  "Churn   Radar"  ', "Churn Radar"),
    ("数据预测", "数据预测"),
    (":rocket: Launch", ":rocket: Launch"),
])
def test_slash_text_is_unescaped_once_and_stored_as_typed(escaped, stored):
    assert clean_name(escaped, COMMAND) == stored


@pytest.mark.parametrize("typed", ["<!channel> launch", "R&amp;D", "&lt;b&gt;", "*bold* _it_ ~s~ `c`", "🚀"])
def test_form_text_is_stored_exactly_as_typed(typed):
    assert clean_name(typed, FORM) == typed


@pytest.mark.parametrize("token", ["<@U0BOB|bob>", "<#C0CHURN|churn>", "<!here>", "<!subteam^S1|@team>",
                                   "<https://evil.example|Legit>", "<mailto:a@b.c|a@b.c>"])
def test_slash_text_with_a_real_mention_or_link_is_refused(token):
    with pytest.raises(NameRefused, match="cannot contain a mention, a channel or a link"):
        clean_name(f"Launch {token}", COMMAND)


def test_both_paths_share_the_rules_and_differ_only_in_wording():
    for source in NameSource:
        assert clean_name("a\x00b\u202ec\r\nd", source) == "abc d"  # bot.text.clean_text, single line
        # Characters that show nothing cannot make a second "Churn"; joiners in emoji sequences stay.
        assert clean_name("Ch\u200burn\u2060\u3164\u200f", source) == "Churn"
        assert clean_name("Team \U0001F469\u200d\U0001F4BB", source) == "Team \U0001F469\u200d\U0001F4BB"
        for text in ["", "   ", '""', "x" * 81, "???", "- - -", "\u200b\u3164\u115f"]:
            with pytest.raises(NameRefused):
                clean_name(text, source)
        assert clean_name("x" * 80, source) == "x" * 80
    with pytest.raises(NameRefused) as slash:
        clean_name("x" * 93, COMMAND)
    assert slash.value.message == "That name is 93 characters long; keep it to 80."
    assert slash.value.in_form == "Keep the name to 80 characters (this one has 93)."
    with pytest.raises(NameRefused) as empty:
        clean_name(" ", FORM)
    assert "`project create NAME`" in empty.value.message
    assert empty.value.in_form == "Enter a name for the project."


@pytest.mark.parametrize("name, slug", [
    ("Churn Radar", "churn-radar"),
    ("数据预测", "shu-ju-yu-ce"),
    ("Прогноз оттока", "prognoz-ottoka"),
    ("Café Ünïcode", "cafe-unicode"),
    ("Straße", "strasse"),
    ("Ελληνικά μοντέλα", "ellinika-montela"),
    ("데이터 분석", "deiteo-bunseog"),
    ("🚀 Launch 2", "launch-2"),
    (":rocket: Launch 2", "launch-2"),
    ("R&D <Forecast>", "r-d-forecast"),
])
def test_slugs_are_readable_in_any_script(name, slug):
    assert slugify(name) == slug


def test_names_with_nothing_to_transliterate_get_a_fallback_slug_per_name():
    for name in ["🚀", "🚀🚀", "🔥 💧", ":tada:", "\u0378🙂"]:
        assert clean_name(name, FORM) == name  # emoji are a name
        assert re.fullmatch(FALLBACK_SLUG_PREFIX + "[0-9a-f]{10}", slugify(name))
    assert len({slugify(name) for name in ["🚀", "🚀🚀", "🔥", "💧", "🔥 💧"]}) == 5
    assert slugify("🚀") == slugify("🚀")  # stable, so a clash is found


def test_slugs_fit_their_column():
    assert len(slugify("Прогноз " * 10)) <= 60
    assert not slugify("a" * 59 + " b").endswith("-")
