"""The critical difference diagram (Demsar, 2006): mean ranks on an axis, groups that a post-hoc
test cannot tell apart joined by a bar, and the critical difference drawn to scale."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.style import FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure


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
    height = 0.35 + 0.12 * max(half, k - half) + 0.06 * len(groups)
    figure, ax = new_figure(style, height_ratio=height)
    with matplotlib.rc_context(style.rc()):
        low, high = 1, max(k, 2)
        ax.set_xlim(low - 0.9, high + 0.9)
        ax.set_ylim(-(max(half, k - half) + 1.0) - 0.3 * len(groups), 1.3)
        ax.axis("off")
        ax.hlines(0, low, high, color="black", lw=0.8)
        for tick in range(low, high + 1):
            ax.vlines(tick, 0, 0.12, color="black", lw=0.8)
            ax.text(tick, 0.2, str(tick), ha="center", va="bottom")
        ax.hlines(0.85, low, low + critical_difference, color="black", lw=1.2)
        ax.vlines([low, low + critical_difference], 0.78, 0.92, color="black", lw=1.2)
        ax.text(low + critical_difference / 2, 0.95, f"CD = {critical_difference:.2f}", ha="center", va="bottom")
        for i, (name, value) in enumerate(ranks.items()):
            left = i < half
            row = -(i + 1) if left else -(k - i)
            edge = low - 0.5 if left else high + 0.5
            ax.plot([value, value, edge], [0, row * 0.5 - 0.3, row * 0.5 - 0.3], color="black", lw=0.7)
            ax.text(edge + (-0.05 if left else 0.05), row * 0.5 - 0.3, f"{name} ({value:.2f})",
                    ha="right" if left else "left", va="center")
        for g, members in enumerate(groups):
            y = -0.12 - 0.12 * g
            ax.hlines(y, ranks[members[0]] - 0.03, ranks[members[-1]] + 0.03, color="black", lw=2.2)
    return figure
