"""The project list stays inside Slack's limits however many projects there are."""

from __future__ import annotations

from datetime import timedelta

from bot.slack_standin.blocks import check_message_blocks, check_message_text
from bot.views import projects
from tests.views.test_every_view import NOW, project


def test_a_list_of_two_thousand_long_names_fits_in_one_message_and_says_what_it_left_out():
    many = [project("Project " + "x" * 60 + f" {i:04}", channel_id=f"C{i:05}") for i in range(2000)]
    listing = projects.project_list(many, 3, NOW + timedelta(days=1), "/crisp")
    assert check_message_blocks(listing["blocks"]) == []
    assert check_message_text(listing["text"]) == []
    assert len(listing["blocks"]) <= 47 and len(listing["text"]) < 3200
    shown = sum(block["text"]["text"].count("\n") + 1 for block in listing["blocks"]
                if block["type"] == "section")
    note = listing["blocks"][-1]["elements"][0]["text"]
    assert note == f"…and {2000 - shown} more not shown. 3 archived projects not shown."
    assert listing["text"].startswith("2000 active projects: Project xxx") and listing["text"].endswith(" more")


def test_a_short_list_shows_everything():
    listing = projects.project_list([project("Churn"), project("Fraud")], 0, NOW, "/crisp")
    assert [b["type"] for b in listing["blocks"]] == ["header", "section"]
    assert listing["text"] == "2 active projects: Churn (Modeling); Fraud (Modeling)"
