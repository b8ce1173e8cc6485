"""Visits and time spent, and the history message of a long project staying within Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.crisp_dm import PHASE_ORDER, Phase
from bot.lifecycle.timeline import duration_text, timeline
from bot.slack_standin.blocks import check_message_blocks, check_message_text
from bot.views.phase import history_message
from storage.queries.lifecycle import TransitionRow
from storage.tables import Project

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def row(n: int, before: str | None, after: str, at: datetime, *, backward=False, iteration=1, note=None):
    return TransitionRow(n, before, after, backward, iteration, "U0ALICE", note, 0, at)


def test_visits_and_totals():
    rows = [row(1, None, "business-understanding", START),
            row(2, "business-understanding", "data-understanding", START + timedelta(days=2)),
            row(3, "data-understanding", "business-understanding", START + timedelta(days=3), backward=True,
                iteration=2, note="scope changed"),
            row(4, "business-understanding", "data-understanding", START + timedelta(days=3, hours=6), iteration=2)]
    now = START + timedelta(days=4)
    line = timeline(rows, now)
    assert [v.spent(now) for v in line.visits] == [timedelta(days=2), timedelta(days=1), timedelta(hours=6),
                                                   timedelta(hours=18)]
    assert line.moves == 3 and line.iterations_back == 1
    assert line.totals() == [(Phase.BUSINESS_UNDERSTANDING, timedelta(days=2, hours=6), 2),
                             (Phase.DATA_UNDERSTANDING, timedelta(days=1, hours=18), 2)]


def test_durations_read_as_people_say_them():
    assert [duration_text(timedelta(seconds=s)) for s in (20, 60 * 12, 3600 * 5, 3600 * 5 + 600, 86400 * 3,
                                                          86400 * 3 + 3600 * 4)] == \
        ["under a minute", "12m", "5h", "5h 10m", "3d", "3d 4h"]


def test_two_hundred_moves_with_long_notes_fit_one_message():
    rows = [row(1, None, "business-understanding", START)]
    phase = Phase.BUSINESS_UNDERSTANDING
    for n in range(2, 202):
        after = phase.following() or Phase.BUSINESS_UNDERSTANDING
        rows.append(row(n, phase.value, after.value, START + timedelta(hours=n), backward=after.number < phase.number,
                        note=("*_" * 250)[:500] if n % 2 else "ok " * 160))
        phase = after
    now = START + timedelta(days=30)
    project = Project(id=1, team_id="T0CRISP", channel_id="C0CHURN", name="Churn Radar", slug="churn-radar",
                      phase=phase.value, phase_since=rows[-1].created_at, iteration=34, created_by="U0ALICE",
                      created_at=START)
    body = history_message(project, timeline(rows, now), now)
    assert check_message_blocks(body["blocks"]) == [] and check_message_text(body["text"]) == []
    assert len(json.dumps(body["blocks"])) < 13_000
    assert body["text"].startswith("Churn Radar phase history: 200 moves, now in")
    shown = json.dumps(body["blocks"])
    assert "earlier moves (counted in the totals above)" in shown
    assert all(p.title in shown for p in PHASE_ORDER)
