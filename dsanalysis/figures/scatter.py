"""Dataset traits against the generalization score: one small panel per trait."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.style import OKABE_ITO, FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def trait_scatter_panel(
    points: pd.DataFrame,
    style: FigureStyle,
    *,
    fits: pd.DataFrame | None = None,
    trait: str = "trait",
    x: str = "trait_value",
    y: str = "score",
    label: str = "dataset",
    ylabel: str = "generalization score",
    columns: int = 2,
) -> Figure:
    """Scatter of ``y`` against ``x`` per trait, each dataset with its own colour and marker (the same in
    every panel) named in one legend below the panels: text beside the points overlapped where datasets lie close.

    ``fits`` (columns ``trait, x, fit, ci_low, ci_high``), when given, is a fitted line with its
    confidence band computed by the statistics layer, drawn as stored.
    """
    import matplotlib

    for name in (trait, x, y, label):
        if name not in points.columns:
            raise ValueError(f"scatter frame has no column {name!r}")
    traits = list(dict.fromkeys(points[trait]))
    marks = dataset_marks(points[label])
    n_cols = min(columns, max(1, len(traits)))
    n_rows = max(1, math.ceil(len(traits) / n_cols))
    figure, axes = new_figure(style, height_ratio=0.45 * n_rows * (2 / n_cols) ** 0.3, nrows=n_rows, ncols=n_cols, squeeze=False)
    with matplotlib.rc_context(style.rc()):
        for index, ax in enumerate(axes.flat):
            if index >= len(traits):
                ax.axis("off")
                continue
            name = traits[index]
            part = points[points[trait] == name]
            if fits is not None and not fits.empty:
                fit = fits[fits["trait"] == name].sort_values("x")
                if not fit.empty:
                    ax.fill_between(fit["x"], fit["ci_low"], fit["ci_high"], color="#BBBBBB", alpha=0.45, lw=0)
                    ax.plot(fit["x"], fit["fit"], color="#555555", lw=1)
            for dataset, rows in part.groupby(part[label].astype(str), sort=True):
                color, marker = marks[dataset]
                ax.scatter(rows[x], rows[y], s=16, color=color, marker=marker, zorder=3, lw=0)
            ax.set_xlabel(str(name))
            if index % n_cols == 0:
                ax.set_ylabel(ylabel)
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], ls="none", marker=m, color=c, ms=4.5) for c, m in marks.values()]
        figure.legend(handles, list(marks), title="training dataset", frameon=False, loc="outside lower center",
                      ncols=min(4, len(marks)))
    return figure


#: marker shapes paired with the colours, so datasets differ in print and for colour-blind readers too
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def dataset_marks(names: pd.Series) -> dict[str, tuple[str, str]]:
    """(colour, marker) per dataset name in sorted order; no two alike for up to 64 datasets."""
    ordered = sorted({str(n) for n in names})
    return {name: (OKABE_ITO[i % len(OKABE_ITO)], MARKERS[(i + i // len(OKABE_ITO)) % len(MARKERS)])
            for i, name in enumerate(ordered)}
