"""Detection curves drawn from the tidy frames of :mod:`dsanalysis.stats.curves`: ROC and DET curves and
reliability diagrams with one panel per evaluated dataset and one line per training dataset, and
per-class score histograms with the decision threshold."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.style import OKABE_ITO, FigureStyle

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: panels per row in the per-dataset figures
PANEL_COLUMNS = 3
#: beyond this many datasets the histogram grid (training x evaluated) shows in-domain panels only
MAX_GRID_DATASETS = 6
#: the DET axes run over these error rates (normal deviate scale)
DET_RANGE = (0.001, 0.999)
DET_TICKS = (0.001, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99)
#: label colours: real blue, fake vermillion, as in the map of all images
LABEL_COLORS = {"real": OKABE_ITO[0], "fake": OKABE_ITO[3]}
_DASHES = ("-", "--", ":", "-.")


def line_styles(names: Iterable[str]) -> dict[str, dict[str, object]]:
    """A colour and dash per name (sorted), the same in every panel: colours first, then dashes beyond eight."""
    ordered = sorted({str(n) for n in names})
    return {name: {"color": OKABE_ITO[i % len(OKABE_ITO)], "linestyle": _DASHES[(i // len(OKABE_ITO)) % len(_DASHES)]}
            for i, name in enumerate(ordered)}


def _check(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    for name in columns:
        if name not in frame.columns:
            raise ValueError(f"{what} frame has no column {name!r}")


def _panel_axes(style: FigureStyle, n: int, columns: int = PANEL_COLUMNS, aspect: float = 1.0) -> tuple[Figure, list[Axes]]:
    """A grid of ``n`` panels, ``columns`` wide, two columns of page width; unused cells hidden."""
    n_cols = max(1, min(columns, n))
    n_rows = max(1, math.ceil(n / n_cols))
    figure, axes = new_figure(style, height_ratio=aspect * n_rows / n_cols + 0.12, width_columns=2.0,
                              nrows=n_rows, ncols=n_cols, squeeze=False)
    cells = list(axes.flat)
    for ax in cells[n:]:
        ax.axis("off")
    return figure, cells[:n]


def _legend(figure: Figure, styles: dict[str, dict[str, object]], title: str) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], lw=1.2, **s) for s in styles.values()]
    figure.legend(handles, list(styles), title=title, loc="outside lower center", frameon=False,
                  ncols=min(4, len(styles)))


def _curve_panels(frame: pd.DataFrame, style: FigureStyle, *, panel: str, line: str, x: str, y: str,
                  draw_reference: Callable[[Axes], None],
                  transform: Callable[[np.ndarray], np.ndarray] | None = None, marker: str | None = None) -> Figure:
    """A panel per value of ``panel``, in each a line per value of ``line`` (the in-domain one thicker) over the
    reference ``draw_reference`` draws and labels; ``transform`` maps both coordinates (e.g. to normal deviates)."""
    import matplotlib

    styles = line_styles(frame[line])
    panels = sorted(frame[panel].astype(str).unique())
    figure, axes = _panel_axes(style, len(panels))
    with matplotlib.rc_context(style.rc()):
        for ax, name in zip(axes, panels, strict=True):
            draw_reference(ax)
            part = frame[frame[panel].astype(str) == name]
            for trained, curve in part.groupby(part[line].astype(str), sort=True):
                xs, ys = curve[x].to_numpy(dtype=float), curve[y].to_numpy(dtype=float)
                if transform is not None:
                    xs, ys = transform(xs), transform(ys)
                xs, ys = drop_collinear(xs, ys)
                ax.plot(xs, ys, lw=1.8 if trained == name else 1.0, marker=marker, ms=2.5, **styles[trained])
            ax.set_title(f"tested on {name}")
        _label_outer(axes)
        _legend(figure, styles, "trained on (thicker: in-domain)")
    return figure


def drop_collinear(xs: np.ndarray, ys: np.ndarray, tolerance: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """The polyline without the points that lie on the straight line through their neighbours: the same
    drawing from fewer points (a ROC read on a fine grid is mostly straight runs), so the embedded figure stays small."""
    if len(xs) < 3:
        return xs, ys
    turn = (xs[1:-1] - xs[:-2]) * (ys[2:] - ys[1:-1]) - (ys[1:-1] - ys[:-2]) * (xs[2:] - xs[1:-1])
    keep = np.concatenate([[True], np.abs(turn) > tolerance, [True]])
    return xs[keep], ys[keep]


def _label_outer(axes: list[Axes], columns: int = PANEL_COLUMNS) -> None:
    """Axis labels and tick labels on the left column and the lowest panel of each column only (the panels
    share their scales), so a grid of panels is not mostly repeated text."""
    n_cols = max(1, min(columns, len(axes)))
    for k, ax in enumerate(axes):
        bottom, left = k + n_cols >= len(axes), k % n_cols == 0
        ax.tick_params(labelbottom=bottom, labelleft=left)
        if not bottom:
            ax.set_xlabel("")
        if not left:
            ax.set_ylabel("")


def roc_panels(frame: pd.DataFrame, style: FigureStyle, *, panel: str = "eval_dataset", line: str = "train_dataset",
               fpr: str = "fpr", tpr: str = "tpr") -> Figure:
    """ROC curves: a panel per evaluated dataset, a line per training dataset, chance as the diagonal."""
    _check(frame, (panel, line, fpr, tpr), "ROC")

    def chance(ax: Axes) -> None:
        ax.plot([0, 1], [0, 1], color="#999999", lw=0.7, ls="--")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.01)
        ax.set_aspect("equal")
        ax.set_xlabel("reals called fake (FPR)")
        ax.set_ylabel("fakes caught (TPR)")

    return _curve_panels(frame, style, panel=panel, line=line, x=fpr, y=tpr, draw_reference=chance)


def _probit(values: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri  # the standard normal quantile function

    return ndtri(np.clip(values, *DET_RANGE))


def det_panels(frame: pd.DataFrame, style: FigureStyle, *, panel: str = "eval_dataset", line: str = "train_dataset",
               fpr: str = "fpr", fnr: str = "fnr") -> Figure:
    """DET curves (Martin et al. 1997): miss rate against false-alarm rate on normal deviate axes, a panel per
    evaluated dataset, a line per training dataset; chance is the anti-diagonal. Rates are drawn within
    :data:`DET_RANGE` (a rate of 0 at the lower edge)."""
    _check(frame, (panel, line, fpr, fnr), "DET")
    ticks = _probit(np.array(DET_TICKS))
    labels = [f"{100 * t:g}" for t in DET_TICKS]
    low, high = _probit(np.array(DET_RANGE))

    def chance(ax: Axes) -> None:
        ax.plot([low, high], [high, low], color="#999999", lw=0.7, ls="--")
        ax.set_xticks(ticks, labels)
        ax.set_yticks(ticks, labels)
        ax.set_xlim(low, high)
        ax.set_ylim(low, high)
        ax.set_aspect("equal")
        ax.set_xlabel("reals called fake (FPR, %)")
        ax.set_ylabel("fakes missed (FNR, %)")

    return _curve_panels(frame, style, panel=panel, line=line, x=fpr, y=fnr, draw_reference=chance, transform=_probit)


def reliability_panels(frame: pd.DataFrame, style: FigureStyle, *, panel: str = "eval_dataset",
                       line: str = "train_dataset", predicted: str = "mean_score", observed: str = "real_share") -> Figure:
    """Reliability diagrams: observed share of real images against the mean predicted P(real) per score bin,
    a panel per evaluated dataset, a line per training dataset; a calibrated detector lies on the diagonal."""
    _check(frame, (panel, line, predicted, observed), "reliability")

    def diagonal(ax: Axes) -> None:
        ax.plot([0, 1], [0, 1], color="#999999", lw=0.7, ls="--")
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.02, 1.02)
        ax.set_aspect("equal")
        ax.set_xlabel("mean predicted P(real)")
        ax.set_ylabel("share real")

    return _curve_panels(frame, style, panel=panel, line=line, x=predicted, y=observed, draw_reference=diagonal,
                         marker="o")


def score_histogram_grid(frame: pd.DataFrame, style: FigureStyle, *, threshold: float, row: str = "train_dataset",
                         column: str = "eval_dataset", label: str = "label", low: str = "bin_low",
                         high: str = "bin_high", share: str = "share") -> Figure:
    """Per-class histograms of P(real): a row per training dataset, a column per evaluated dataset (in-domain
    panels only beyond :data:`MAX_GRID_DATASETS` datasets), the decision threshold dashed."""
    import matplotlib

    _check(frame, (row, column, label, low, high, share), "histogram")
    rows = sorted(frame[row].astype(str).unique())
    columns = sorted(frame[column].astype(str).unique())
    diagonal_only = max(len(rows), len(columns)) > MAX_GRID_DATASETS
    if diagonal_only:
        cells = [(name, name) for name in rows if name in columns]
        figure, axes = _panel_axes(style, len(cells), aspect=0.7)
    else:
        cells = [(r, c) for r in rows for c in columns]
        figure, grid = new_figure(style, height_ratio=0.62 * len(rows) / len(columns) + 0.1, width_columns=2.0,
                                  nrows=len(rows), ncols=len(columns), squeeze=False, sharex=True, sharey=True)
        axes = list(grid.flat)
    with matplotlib.rc_context(style.rc()):
        for k, (ax, (trained, tested)) in enumerate(zip(axes, cells, strict=True)):
            part = frame[(frame[row].astype(str) == trained) & (frame[column].astype(str) == tested)]
            for name, hist in part.groupby(part[label].astype(str), sort=True):
                hist = hist.sort_values(low)
                heights = hist[share].to_numpy(dtype=float)
                xs = np.column_stack([hist[low], hist[high]]).astype(float).ravel()  # the step outline, drawn as
                ys = np.repeat(heights, 2)  # a line without its straight runs
                ax.plot(*drop_collinear(xs, ys), color=LABEL_COLORS.get(name, "#777777"),
                        lw=1.8 if trained == tested else 1.0)
            ax.axvline(threshold, color="#555555", lw=0.7, ls="--")
            ax.set_xlim(0, 1)
            if diagonal_only:
                ax.set_title(f"{trained} (in-domain)")
                ax.set_xlabel("P(real)")
                ax.set_ylabel("share of class")
                continue
            if k < len(columns):
                ax.set_title(f"tested on {tested}")
            if k % len(columns) == 0:
                ax.set_ylabel(f"trained on\n{trained}")
            if k >= len(cells) - len(columns):
                ax.set_xlabel("P(real)")
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=c, lw=1.2) for c in LABEL_COLORS.values()]
        handles.append(Line2D([], [], color="#555555", lw=0.7, ls="--"))
        figure.legend(handles, [*LABEL_COLORS, f"threshold {threshold:g}"], loc="outside lower center",
                      frameon=False, ncols=3)
    return figure
