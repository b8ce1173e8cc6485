"""Matching `/crisp` text to commands, and suggestions for what does not match."""

from __future__ import annotations

from bot.commands.dispatch import command_table
from bot.commands.registry import Command, CommandTable, ExtraWords, GroupOnly, Match, NoMatch, Reply


async def nothing(invocation) -> Reply:
    return Reply()


def test_longest_command_wins_and_arguments_keep_their_case_and_spacing():
    match = command_table().match("PROJECT Create  Churn   Radar ")
    assert isinstance(match, Match)
    assert match.command.usage == "project create NAME"
    assert match.args == "Churn   Radar"


def test_a_word_under_a_known_group_is_suggested_from_that_group():
    miss = command_table().match("project arcive")
    assert isinstance(miss, NoMatch)
    assert miss.word == "project arcive" and miss.suggestion.usage == "project archive"


def test_both_words_may_be_misspelt():
    for typed in ("projct lst", "PROJCT LST", "porject list", "project lst", "projetc ls"):
        miss = command_table().match(typed)
        assert isinstance(miss, NoMatch), typed
        assert miss.suggestion is not None and miss.suggestion.usage == "project list", typed
        assert miss.word == typed.lower()
    assert command_table().match("projct crate Churn").suggestion.usage == "project create NAME"


def test_a_misspelt_group_word_alone_offers_the_group():
    miss = command_table().match("projct")
    assert isinstance(miss, NoMatch) and miss.suggestion is None
    assert [c.usage for c in miss.group] == ["project create NAME", "project list", "project archive", "project goal [TEXT]",
                                       "project metric [TEXT]"]


def test_nothing_close_suggests_nothing():
    miss = command_table().match("xyzzy")
    assert isinstance(miss, NoMatch) and miss.suggestion is None and miss.group == ()
    assert command_table().match("frobnicate now").word == "frobnicate"


def test_the_first_word_of_a_group_alone_is_the_group():
    only = command_table().match("Project")
    assert isinstance(only, GroupOnly) and only.word == "project"
    assert [c.usage for c in only.group] == ["project create NAME", "project list", "project archive", "project goal [TEXT]",
                                       "project metric [TEXT]"]


def test_words_after_a_command_that_takes_none_are_not_ignored():
    for typed, usage, extra in [("status now", "status", "now"), ("project list all", "project list", "all"),
                                ("help me  please", "help", "me  please"),
                                ("project archive Churn Radar", "project archive", "Churn Radar")]:
        result = command_table().match(typed)
        assert isinstance(result, ExtraWords), typed
        assert (result.command.usage, result.extra) == (usage, extra)
    assert isinstance(command_table().match("status"), Match)


def test_arguments_are_declared_in_the_row():
    table = command_table()
    assert {c.usage: c.takes_args for c in table.in_help_order} == {
        "help": False, "status": False, "project create NAME": True, "project list": False,
        "project archive": False, "phase": False, "phase next [NOTE]": True, "phase set PHASE [NOTE]": True,
        "phase history": False, "phase target PHASE YYYY-MM-DD": True, "roles": False, "role add @user ROLE": True, "role remove @user ROLE": True,
        "stakeholder add @user": True, "stakeholder remove @user": True, "project goal [TEXT]": True,
        "project metric [TEXT]": True, "milestone add NAME [due YYYY-MM-DD]": True, "milestone done NAME": True,
        "milestones": False, "docs": False, "docs export": False, "alerts": False, "alerts route KEY=VALUE": True,
        "alerts unroute KEY=VALUE": True, "alerts token": False, "alerts token rotate": False,
        "alerts channel [#CHANNEL|off]": True, "checkin every DAYS at HH:MM [TZ]": True, "checkin now": False,
        "checkin off": False, "checkin away @user YYYY-MM-DD|off": True, "checkin questions": False, "digest every DAYS at HH:MM [TZ]": True, "digest now": False, "digest off": False,
        "feedback TEXT": True, "digest portfolio every DAYS at HH:MM [TZ]": True,
        "digest portfolio now": False, "digest portfolio off": False}
    assert isinstance(table.match("milestone add data is clean"), Match)
    assert table.match("milestone add data is clean due 2026-03-01").args == "data is clean due 2026-03-01"
    assert isinstance(table.match("milestone"), GroupOnly)
    assert table.match("milestones").command.usage == "milestones"
    assert table.match("feedback  too many false alarms").args == "too many false alarms"
    assert table.match("docs export").command.usage == "docs export"
    assert table.match("docs").command.usage == "docs"
    assert table.match("docs exprot").suggestion.usage == "docs export"
    later = Command(("model", "card"), "exports a model card", nothing)
    grown = CommandTable([*table.in_help_order, later])
    assert grown.match("model card").command is later
    # A command that is also a group's first word: a misspelt sub-command is suggested, not ignored.
    assert grown.match("phase sett modeling").suggestion.usage == "phase set PHASE [NOTE]"
    assert isinstance(grown.match("phase now"), ExtraWords)


def test_help_order_is_the_declared_order():
    assert [c.usage for c in command_table().in_help_order] == [
        "help", "status", "project create NAME", "project list", "project archive", "phase", "phase next [NOTE]",
        "phase set PHASE [NOTE]", "phase history", "phase target PHASE YYYY-MM-DD", "roles", "role add @user ROLE", "role remove @user ROLE",
        "stakeholder add @user", "stakeholder remove @user", "project goal [TEXT]", "project metric [TEXT]",
        "milestone add NAME [due YYYY-MM-DD]", "milestone done NAME", "milestones", "docs", "docs export",
        "alerts", "alerts route KEY=VALUE", "alerts unroute KEY=VALUE", "alerts token", "alerts token rotate",
        "alerts channel [#CHANNEL|off]", "checkin every DAYS at HH:MM [TZ]",
        "checkin now", "checkin off", "checkin away @user YYYY-MM-DD|off", "checkin questions", "digest every DAYS at HH:MM [TZ]", "digest now", "digest off",
        "digest portfolio every DAYS at HH:MM [TZ]", "digest portfolio now", "digest portfolio off",
        "feedback TEXT"]
