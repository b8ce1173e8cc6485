"""Matching `/crisp` text to commands, and suggestions for what does not match."""

from __future__ import annotations

from bot.commands.dispatch import command_table
from bot.commands.registry import Match, NoMatch


def test_longest_command_wins_and_arguments_keep_their_case_and_spacing():
    match = command_table().match("PROJECT Create  Churn   Radar ")
    assert isinstance(match, Match)
    assert match.command.usage == "project create NAME"
    assert match.args == "Churn   Radar"


def test_a_word_under_a_known_group_is_suggested_from_that_group():
    miss = command_table().match("project arcive")
    assert isinstance(miss, NoMatch)
    assert miss.word == "project arcive" and miss.suggestion.usage == "project archive"


def test_nothing_close_suggests_nothing():
    miss = command_table().match("xyzzy")
    assert isinstance(miss, NoMatch) and miss.suggestion is None and miss.group == ()


def test_help_order_is_the_declared_order():
    assert [c.usage for c in command_table().in_help_order] == [
        "help", "status", "project create NAME", "project list", "project archive"]
