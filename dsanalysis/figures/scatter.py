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
    """Scatter of ``y`` against ``x`` per trait, points labelled by dataset.

    ``fits`` (columns ``trait, x, fit, ci_low, ci_high``), when given, is a fitted line with its
    confidence band computed by the statistics layer, drawn as stored.
    """
    import matplotlib

    for name in (trait, x, y, label):
        if name not in points.columns:
            raise ValueError(f"scatter frame has no column {name!r}")
    traits = list(dict.fromkeys(points[trait]))
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
                    ax.fill_between(fit["x"], fit["ci_low"], fit["ci_high"], color=OKABE_ITO[4], alpha=0.3, lw=0)
                    ax.plot(fit["x"], fit["fit"], color=OKABE_ITO[0], lw=1)
            ax.scatter(part[x], part[y], s=12, color=OKABE_ITO[3], zorder=3)
            for _, row in part.iterrows():
                ax.annotate(str(row[label]), (row[x], row[y]), textcoords="offset points", xytext=(3, 2),
                            fontsize=style.font_size - 2)
            ax.set_xlabel(str(name))
            if index % n_cols == 0:
                ax.set_ylabel(ylabel)
    return figure
