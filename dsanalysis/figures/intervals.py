"""Estimates with confidence intervals, one row per item (the dataset ranking, subgroups)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.style import OKABE_ITO, FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def interval_plot(
    frame: pd.DataFrame,
    style: FigureStyle,
    *,
    label: str,
    estimate: str,
    low: str,
    high: str,
    series: str | None = None,
    xlabel: str = "",
    reference: float | None = None,
    band_low: str | None = None,
    band_high: str | None = None,
    missing_note: str | None = None,
) -> Figure:
    """Dots with horizontal interval bars, in the frame's row order (top = first row).

    ``series`` draws several estimates per label, offset vertically (e.g. in-domain and
    generalization score); ``band_low``/``band_high`` shade a reference range per row (e.g. the
    range expected from size-matched random groups); ``missing_note`` names a column whose text is
    written, in the series' colour, where a row has no estimate (e.g. 'only 7 images (needs 10)'),
    so a row without a dot says why instead of vanishing.
    """
    import matplotlib

    for name in (label, estimate, low, high, *(c for c in (series, band_low, band_high, missing_note) if c)):
        if name not in frame.columns:
            raise ValueError(f"interval frame has no column {name!r}")
    labels = list(dict.fromkeys(frame[label].astype(str)))
    groups = list(dict.fromkeys(frame[series])) if series else [None]
    figure, ax = new_figure(style, height_ratio=min(1.4, 0.2 + 0.09 * len(labels) * max(1, len(groups) * 0.6)))
    with matplotlib.rc_context(style.rc()):
        position = {name: len(labels) - 1 - i for i, name in enumerate(labels)}
        step = 0.5 / max(1, len(groups))
        for k, group in enumerate(groups):
            part = frame if group is None else frame[frame[series] == group]
            offset = (k - (len(groups) - 1) / 2) * step
            y = [position[str(v)] + offset for v in part[label]]
            color = OKABE_ITO[k % len(OKABE_ITO)]
            if band_low and band_high:
                for yy, lo, hi in zip(y, part[band_low], part[band_high], strict=True):
                    if pd.notna(lo) and pd.notna(hi):
                        ax.fill_betweenx([yy - 0.3, yy + 0.3], lo, hi, color="#BBBBBB", alpha=0.5, lw=0)
            # the bar is drawn about its own centre: a percentile interval need not contain its estimate (nor
            # does a zero-width one whose ends were stored in float32), and matplotlib refuses negative errors
            ax.errorbar((part[low] + part[high]) / 2, y, xerr=(part[high] - part[low]) / 2, fmt="none", capsize=2,
                        color=color)
            ax.plot(part[estimate], y, "o", ms=3.5, color=color, label=None if group is None else str(group))
            if missing_note:
                for yy, value, note in zip(y, part[estimate], part[missing_note], strict=True):
                    if pd.isna(value):
                        ax.text(0.01, yy, f"no estimate: {note}" if note else "no estimate", color=color, va="center",
                                fontsize=style.font_size - 2, transform=ax.get_yaxis_transform())
        ax.set_yticks(range(len(labels)), list(reversed(labels)))
        if reference is not None:
            ax.axvline(reference, color="#777777", lw=0.8, ls="--")
        ax.set_xlabel(xlabel)
        if series:  # below the axes: inside, it could cover a row's interval or note
            figure.legend(*ax.get_legend_handles_labels(), frameon=False, loc="outside lower center",
                          ncols=min(3, len(groups)))
    return figure
