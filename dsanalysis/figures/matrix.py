"""The cross-dataset matrix as an annotated heatmap, in-domain cells outlined."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.style import SEQUENTIAL_CMAP, FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: cells are annotated with their value up to this many columns; beyond, the labels overlap at
#: single-column width (the values are in the report's table) and drawing them was 70% of the figure's cost
MAX_ANNOTATED_COLUMNS = 12


def matrix_heatmap(
    frame: pd.DataFrame,
    style: FigureStyle,
    *,
    row: str = "train_dataset",
    column: str = "eval_dataset",
    value: str = "value",
    value_label: str = "accuracy",
    vmin: float = 0.0,
    vmax: float = 1.0,
) -> Figure:
    """Heatmap of ``value`` with one row per training dataset and one column per evaluated dataset.

    Cells carry their value as text when there are at most :data:`MAX_ANNOTATED_COLUMNS` columns;
    in-domain cells are outlined.
    """
    import matplotlib

    for name in (row, column, value):
        if name not in frame.columns:
            raise ValueError(f"matrix frame has no column {name!r}")
    table = frame.pivot_table(index=row, columns=column, values=value, aggfunc="first")
    names = sorted(set(table.index) | set(table.columns))
    rows = sorted(table.index, key=lambda n: (n not in table.columns, str(n)))  # models of other data (imported) last
    table = table.reindex(index=rows, columns=[n for n in names if n in table.columns])
    n_rows, n_cols = table.shape
    figure, ax = new_figure(style, height_ratio=min(1.2, 0.25 + 0.16 * n_rows))
    with matplotlib.rc_context(style.rc()):
        image = ax.imshow(table.to_numpy(dtype=float), cmap=SEQUENTIAL_CMAP, vmin=vmin, vmax=vmax, aspect="auto")
        ax.set_xticks(range(n_cols), [str(c) for c in table.columns], rotation=30, ha="right")
        ax.set_yticks(range(n_rows), [str(r) for r in table.index])
        ax.set_xlabel("evaluated on")
        ax.set_ylabel("trained on")
        ax.spines[:].set_visible(False)
        for i, train in enumerate(table.index):
            for j, evaluated in enumerate(table.columns):
                cell = table.iat[i, j]
                if np.isnan(cell):
                    continue
                shade = (cell - vmin) / (vmax - vmin) if vmax > vmin else 0.5
                if n_cols <= MAX_ANNOTATED_COLUMNS:
                    ax.text(j, i, f"{cell:.2f}", ha="center", va="center", color="black" if shade > 0.55 else "white")
                if train == evaluated:
                    ax.add_patch(matplotlib.patches.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=1.5, ec="#D55E00"))
        colorbar = figure.colorbar(image, ax=ax, shrink=0.9)
        colorbar.set_label(value_label)
    return figure
