"""The 2-D map of all images (UMAP of descriptors), coloured by dataset and by label."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.style import OKABE_ITO, FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def embedding_map(frame: pd.DataFrame, style: FigureStyle, *, x: str = "x", y: str = "y",
                  dataset: str = "dataset", label: str = "label") -> Figure:
    """Two panels side by side: points coloured by dataset, then by real/fake label."""
    import matplotlib

    for name in (x, y, dataset, label):
        if name not in frame.columns:
            raise ValueError(f"embedding frame has no column {name!r}")
    figure, axes = new_figure(style, height_ratio=0.5, width_columns=2.0, ncols=2)
    label_colors = {"real": OKABE_ITO[0], "fake": OKABE_ITO[3]}
    with matplotlib.rc_context(style.rc()):
        for ax, column in zip(axes, (dataset, label), strict=True):
            values = sorted(frame[column].astype(str).unique())
            for i, value in enumerate(values):
                part = frame[frame[column].astype(str) == value]
                color = label_colors.get(value) if column == label else OKABE_ITO[i % len(OKABE_ITO)]
                ax.scatter(part[x], part[y], s=2, alpha=0.6, color=color, label=value, rasterized=True, lw=0)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel("UMAP 1")
            ax.set_ylabel("UMAP 2")
            ax.legend(frameon=False, markerscale=4, loc="best", title=column)
    return figure
