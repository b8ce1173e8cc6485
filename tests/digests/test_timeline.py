"""The digest's phase timeline: one bar per visit, back-moves flagged, targets and today placed; the PNG
opens as a 900 × 360 image of at most 200 kB in which every phase's bar and the back-move's red are drawn."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from PIL import Image

from bot.crisp_dm import PHASE_ORDER, Phase
from bot.digests import timeline_png
from bot.digests.timeline import timeline_of
from storage.queries.lifecycle import TransitionRow

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PATH = [  # (to, backward, day): through evaluation, back to preparation, then on to deployment
    ("business-understanding", False, 0), ("data-understanding", False, 4), ("data-preparation", False, 9),
    ("modeling", False, 15), ("evaluation", False, 22), ("data-preparation", True, 26), ("modeling", False, 30),
    ("evaluation", False, 33), ("deployment", False, 36),
]


def moves(path=PATH) -> list[TransitionRow]:
    rows, previous, iteration = [], None, 1
    for n, (to, back, day) in enumerate(path, start=1):
        iteration += back
        rows.append(TransitionRow(n, previous, to, back, iteration, "U0ALICE", None, 0, START + timedelta(days=day)))
        previous = to
    return rows


def churn_timeline(title="Churn Radar", path=PATH):
    return timeline_of(title, moves(path), {"deployment": date(2026, 2, 20), "no-such-phase": date(2026, 3, 1)},
                       START + timedelta(days=40), phase=path[-1][0], phase_since=START, iteration=2)


def test_one_bar_per_visit_with_the_back_move_flagged():
    timeline = churn_timeline()
    assert timeline.rows == PHASE_ORDER
    assert [len(timeline.visits_of(phase)) for phase in PHASE_ORDER] == [1, 1, 2, 2, 2, 1]
    assert timeline.back_moves == 1
    [back] = [visit for visit in timeline.visits if visit.back]
    assert back.phase == Phase.DATA_PREPARATION and back.start == START + timedelta(days=26)
    assert back.end == START + timedelta(days=30) and back.iteration == 2
    # each visit ends where the next begins; the current one is open and runs until now
    assert all(a.end == b.start for a, b in zip(timeline.visits, timeline.visits[1:]))
    assert timeline.visits[-1].end is None
    assert timeline.visits[-1].until(timeline.now) == timeline.now
    assert timeline.targets == {Phase.DEPLOYMENT: date(2026, 2, 20)}  # an unknown phase name is left out


def test_a_project_without_a_recorded_start_has_its_current_visit():
    timeline = timeline_of("Old", [], {}, START + timedelta(days=3), phase="modeling", phase_since=START,
                           iteration=3)
    [visit] = timeline.visits
    assert (visit.phase, visit.start, visit.end, visit.back, visit.iteration) == (Phase.MODELING, START, None,
                                                                                  False, 3)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def test_the_png_opens_shows_every_phase_bar_and_the_back_move_and_is_small():
    png = timeline_png.render(churn_timeline("Churn $x$ <!here> " + "long name " * 20))
    assert len(png) <= timeline_png.MAX_BYTES
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (900, 360)
    colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=900 * 360)}
    assert len(colours) > 50  # anti-aliased text and lines: not a blank canvas
    for phase in PHASE_ORDER:
        assert _rgb(timeline_png.COLOURS[phase]) in colours, phase
    assert _rgb(timeline_png.BACK) in colours


def test_a_project_a_day_old_still_gets_a_readable_week():
    timeline = timeline_of("New", moves(PATH[:1]), {}, START + timedelta(hours=5), phase="business-understanding",
                           phase_since=START, iteration=1)
    start, end = timeline_png._span(timeline)
    assert end - start >= timeline_png.SHORTEST_SPAN
    image = Image.open(io.BytesIO(timeline_png.render(timeline)))
    assert image.size == (900, 360)
