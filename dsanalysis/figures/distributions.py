"""Per-dataset distributions drawn from stored summaries: category shares and quantile boxes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.style import OKABE_ITO, FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def category_shares(frame: pd.DataFrame, style: FigureStyle, *, order: list[str] | None = None,
                    dataset: str = "dataset", category: str = "category", share: str = "share",
                    xlabel: str = "share of images") -> Figure:
    """One horizontal stacked bar per dataset with the share of each category (e.g. ITA skin tone)."""
    import matplotlib

    for name in (dataset, category, share):
        if name not in frame.columns:
            raise ValueError(f"category frame has no column {name!r}")
    table = frame.pivot_table(index=dataset, columns=category, values=share, aggfunc="first").fillna(0.0)
    columns = [c for c in (order or sorted(table.columns)) if c in table.columns]
    table = table[columns]
    figure, ax = new_figure(style, height_ratio=0.3 + 0.09 * len(table))
    with matplotlib.rc_context(style.rc()):
        left = pd.Series(0.0, index=table.index)
        positions = range(len(table) - 1, -1, -1)
        for i, column in enumerate(columns):
            ax.barh(list(positions), table[column], left=left, color=OKABE_ITO[i % len(OKABE_ITO)], label=str(column),
                    height=0.7)
            left += table[column]
        ax.set_yticks(list(positions), [str(v) for v in table.index])
        ax.set_xlim(0, 1)
        ax.set_xlabel(xlabel)
        ax.legend(frameon=False, ncols=min(3, len(columns)), loc="upper center", bbox_to_anchor=(0.5, -0.35 - 0.03 * len(table)))
    return figure


def quantile_boxes(frame: pd.DataFrame, style: FigureStyle, *, label: str = "dataset", xlabel: str = "") -> Figure:
    """Box-like glyphs from stored quantiles (columns q05, q25, q50, q75, q95): whiskers 5-95%, box 25-75%."""
    import matplotlib

    needed = [label, "q05", "q25", "q50", "q75", "q95"]
    for name in needed:
        if name not in frame.columns:
            raise ValueError(f"quantile frame has no column {name!r}")
    figure, ax = new_figure(style, height_ratio=0.25 + 0.08 * len(frame))
    with matplotlib.rc_context(style.rc()):
        for row, (_, values) in enumerate(frame.iloc[::-1].iterrows()):
            color = OKABE_ITO[(len(frame) - 1 - row) % len(OKABE_ITO)]
            ax.hlines(row, values["q05"], values["q95"], color=color, lw=1)
            ax.add_patch(matplotlib.patches.Rectangle((values["q25"], row - 0.3), values["q75"] - values["q25"], 0.6,
                                                      facecolor=color, alpha=0.35, edgecolor=color))
            ax.vlines(values["q50"], row - 0.3, row + 0.3, color=color, lw=1.5)
        ax.set_yticks(range(len(frame)), [str(v) for v in frame[label].iloc[::-1]])
        ax.set_ylim(-0.6, len(frame) - 0.4)
        ax.set_xlabel(xlabel)
    return figure
