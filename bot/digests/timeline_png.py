"""The phase timeline as a PNG: one row per CRISP-DM phase, one bar per visit, moves back marked with a red
arrow and a hatched bar, today as a dashed line, phase targets as diamonds.

matplotlib is imported here, on first use, not when the bot starts: rendering happens in the scheduler's
figure job (bot.digests.figures), never on a request's path. It draws on the Agg backend through its
object API (a Figure of its own per call, no pyplot state), from a worker thread, one drawing at a time."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta

from bot.crisp_dm import Phase
from bot.digests.timeline import Timeline

WIDTH, HEIGHT, DPI = 9.0, 3.6, 100  # 900 × 360 pixels
MAX_BYTES = 200_000
SHORTEST_SPAN = timedelta(days=7)
COLOURS = {
    Phase.BUSINESS_UNDERSTANDING: "#4e79a7",
    Phase.DATA_UNDERSTANDING: "#59a14f",
    Phase.DATA_PREPARATION: "#9c755f",
    Phase.MODELING: "#f28e2b",
    Phase.EVALUATION: "#b07aa1",
    Phase.DEPLOYMENT: "#76b7b2",
}
BACK = "#d62728"
BAR_HEIGHT = 0.6
# matplotlib shares caches (fonts, text layout) between figures: one drawing at a time per process.
_DRAWING = threading.Lock()


def _naive(moment: datetime) -> datetime:
    """matplotlib's date axis in UTC, without tz conversions on the way."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _span(timeline: Timeline) -> tuple[datetime, datetime]:
    start = min(_naive(visit.start) for visit in timeline.visits)
    end = _naive(timeline.now)
    for target in timeline.targets.values():
        start = min(start, datetime.combine(target, datetime.min.time()))
        end = max(end, datetime.combine(target, datetime.min.time()))
    if end - start < SHORTEST_SPAN:
        end = start + SHORTEST_SPAN
    pad = (end - start) * 0.04
    return start - pad, end + pad


def render(timeline: Timeline) -> bytes:
    """The PNG (900 × 360); safe to call from worker threads."""
    with _DRAWING:
        return _draw(timeline)


def _draw(timeline: Timeline) -> bytes:
    import matplotlib  # noqa: PLC0415 (costly import: only when a picture is drawn)
    matplotlib.use("Agg")
    from matplotlib import dates  # noqa: PLC0415
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    rows = {phase: len(timeline.rows) - 1 - index for index, phase in enumerate(timeline.rows)}
    now = _naive(timeline.now)

    previous = None
    for visit in timeline.visits:
        start, end = _naive(visit.start), _naive(visit.until(timeline.now))
        left = dates.date2num(start)
        width = max(dates.date2num(end) - left, 0.02)
        axes.barh(rows[visit.phase], width, left=left, height=BAR_HEIGHT, color=COLOURS[visit.phase],
                  edgecolor=BACK if visit.back else "white", linewidth=1.5 if visit.back else 0.8,
                  hatch="//" if visit.back else None)
        if previous is not None:
            axes.annotate("", xy=(left, rows[visit.phase]), xytext=(left, rows[previous.phase]),
                          arrowprops={"arrowstyle": "-|>", "color": BACK if visit.back else "#888888",
                                      "linewidth": 1.6 if visit.back else 0.8, "shrinkA": 4, "shrinkB": 4})
            if visit.back:
                axes.text(left, (rows[visit.phase] + rows[previous.phase]) / 2, " back", color=BACK, fontsize=8,
                          va="center", ha="left", fontweight="bold", parse_math=False)
        previous = visit

    for phase, target in timeline.targets.items():
        axes.plot(dates.date2num(datetime.combine(target, datetime.min.time())), rows[phase], marker="D",
                  markersize=8, color="black", markerfacecolor="#ffd700", zorder=5)
    axes.axvline(dates.date2num(now), color="#333333", linestyle="--", linewidth=1)
    axes.text(dates.date2num(now), -0.55, " today", fontsize=8, color="#333333", va="bottom", ha="left",
              parse_math=False)

    start, end = _span(timeline)
    axes.set_xlim(dates.date2num(start), dates.date2num(end))
    axes.set_ylim(-0.6, len(timeline.rows) - 0.4)
    axes.set_yticks([rows[phase] for phase in timeline.rows], [phase.title for phase in timeline.rows], fontsize=9)
    locator = dates.AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
    axes.tick_params(axis="x", labelsize=8)
    axes.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(timeline.title, fontsize=11, loc="left", parse_math=False)
    legend = [Patch(facecolor="#cccccc", edgecolor=BACK, hatch="//", label="after a move back"),
              Line2D([], [], color="#333333", linestyle="--", label="today")]
    if timeline.targets:
        legend.append(Line2D([], [], marker="D", color="black", markerfacecolor="#ffd700", linestyle="",
                             label="phase target"))
    axes.legend(handles=legend, loc="upper right", fontsize=7, frameon=False, ncols=len(legend),
                bbox_to_anchor=(1.0, 1.12))
    figure.tight_layout()

    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
