"""The critical difference diagram (Demsar, 2006): mean ranks on an axis, groups that a post-hoc
test cannot tell apart joined by a bar, and the critical difference drawn to scale."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.style import FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure


#: vertical spacing, in data units, of the group bars and of the label rows; and the height of one unit
GROUP_STEP = 0.12
LABEL_STEP = 0.4
INCHES_PER_UNIT = 0.45
#: ranks labelled one by one up to this many items
MAX_TICK_LABELS = 9


def indistinct_groups(mean_ranks: pd.Series, critical_difference: float) -> list[list[str]]:
    """Maximal runs of consecutive items (by mean rank) whose rank spread is below the critical difference."""
    ordered = mean_ranks.sort_values()
    names, ranks = list(ordered.index), ordered.to_numpy()
    groups: list[list[str]] = []
    for start in range(len(names)):
        end = start
        while end + 1 < len(names) and ranks[end + 1] - ranks[start] < critical_difference:
            end += 1
        if end > start and not any(g[0] <= start and end <= g[1] for g in groups):
            groups.append([start, end])
    return [names[a : b + 1] for a, b in groups]


def critical_difference_diagram(
    frame: pd.DataFrame, style: FigureStyle, *, label: str = "dataset", rank: str = "mean_rank", critical_difference: float
) -> Figure:
    """Draw the diagram from a frame of mean ranks (rank 1 = best) and the critical difference."""
    import matplotlib

    for name in (label, rank):
        if name not in frame.columns:
            raise ValueError(f"critical difference frame has no column {name!r}")
    ranks = frame.set_index(label)[rank].astype(float).sort_values()
    k = len(ranks)
    groups = indistinct_groups(ranks, critical_difference)
    half = (k + 1) // 2
    # vertical layout in data units: the axis at 0, the CD bar and tick labels above it, the group bars just
    # below it, then one row per label on each side; the axes span exactly that, so nothing is left blank
    bars_bottom = -GROUP_STEP * (len(groups) + 1)
    lowest = bars_bottom - LABEL_STEP * max(half, k - half)
    y_low, y_high = lowest - 0.25, 1.3
    figure, ax = new_figure(style, height_ratio=(y_high - y_low) * INCHES_PER_UNIT / style.column_width_in)
    with matplotlib.rc_context(style.rc()):
        low, high = 1, max(k, 2)
        ax.set_xlim(low - 0.9, high + 0.9)
        ax.set_ylim(y_low, y_high)
        ax.axis("off")
        ax.hlines(0, low, high, color="black", lw=0.8)
        step = 1 if k <= MAX_TICK_LABELS else 2  # beyond, every other rank is labelled (two digits collide)
        for tick in range(low, high + 1):
            ax.vlines(tick, 0, 0.12, color="black", lw=0.8)
            if (tick - low) % step == 0 or tick == high:
                ax.text(tick, 0.2, str(tick), ha="center", va="bottom")
        ax.hlines(0.85, low, low + critical_difference, color="black", lw=1.2)
        ax.vlines([low, low + critical_difference], 0.78, 0.92, color="black", lw=1.2)
        ax.text(low + critical_difference / 2, 0.95, f"CD = {critical_difference:.2f}", ha="center", va="bottom")
        for i, (name, value) in enumerate(ranks.items()):
            left = i < half
            row = i + 1 if left else k - i
            y = bars_bottom - LABEL_STEP * row
            edge = low - 0.5 if left else high + 0.5
            ax.plot([value, value, edge], [0, y, y], color="black", lw=0.7)
            ax.text(edge + (-0.05 if left else 0.05), y, f"{name} ({value:.2f})", ha="right" if left else "left",
                    va="center")
        for g, members in enumerate(groups):
            y = -GROUP_STEP * (g + 1)
            ax.hlines(y, ranks[members[0]] - 0.03, ranks[members[-1]] + 0.03, color="black", lw=2.2)
    return figure
