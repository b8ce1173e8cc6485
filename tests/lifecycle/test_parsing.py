"""Phases typed any way people type them; notes stored as typed."""

from __future__ import annotations

import pytest

from bot.crisp_dm import PHASE_ALIASES, PHASE_ORDER, PHASE_TITLES, Phase
from bot.errors import UserError
from bot.lifecycle.parsing import note_from_command, note_from_form, split_phase

SPELLINGS = [(phase, name) for phase in PHASE_ORDER
             for name in (phase.value, PHASE_TITLES[phase], *PHASE_ALIASES[phase])]


@pytest.mark.parametrize("phase,name", SPELLINGS)
def test_every_name_and_alias_in_any_case(phase, name):
    for typed in (name, name.upper(), name.lower(), name.title(), name.replace("-", " "), name.replace("-", "_"),
                  name.swapcase()):
        assert split_phase(f"{typed} because reasons") == (phase, "because reasons"), typed
        assert split_phase(typed) == (phase, ""), typed


def test_the_longest_phase_name_wins():
    assert split_phase("data preparation again") == (Phase.DATA_PREPARATION, "again")
    assert split_phase("data quality is poor") == (Phase.DATA_UNDERSTANDING, "quality is poor")
    assert split_phase("Data Prep finished") == (Phase.DATA_PREPARATION, "finished")


@pytest.mark.parametrize("typed", ["model evaluation looks fine", "data deploy", "eval prep"])
def test_a_phase_followed_by_another_phase_asks_which(typed):
    with pytest.raises(UserError) as raised:
        split_phase(typed)
    assert "names two phases" in raised.value.message


@pytest.mark.parametrize("typed,closest", [("modeing", "modeling"), ("evalution", "evaluation"),
                                           ("Deploymnet", "deployment"), ("dta-preparation", "data-preparation"),
                                           ("buisness", "business-understanding")])
def test_an_unknown_phase_suggests_the_closest(typed, closest):
    with pytest.raises(UserError) as raised:
        split_phase(f"{typed} note")
    assert f"Did you mean `{closest}`?" in raised.value.message


def test_notes_keep_what_was_typed_and_lose_slack_tokens():
    assert note_from_command("ask <@U0BOB|bob> in <#C0X|ml> &lt;!here&gt; <!here> R&amp;D") == \
        "ask @bob in #ml <!here> @here R&D"
    assert note_from_command("   ") is None
    assert note_from_form("  line one\r\nline two\x00 ") == "line one\nline two"
    with pytest.raises(UserError):
        note_from_form("x" * 501)
