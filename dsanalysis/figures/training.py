"""Training curves as stored in ``run_history``: a row per training dataset, a column per metric, each run's
training part solid and validation part dashed, the epoch whose weights were kept marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.style import OKABE_ITO, FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: the per-epoch metrics drawn, in this order, with their axis labels
CURVE_METRICS = {"loss": "loss", "accuracy": "accuracy", "auc": "AUC"}
PART_STYLES = {"train": {"color": OKABE_ITO[0], "linestyle": "-"}, "validation": {"color": OKABE_ITO[1], "linestyle": "--"}}


def training_curves(frame: pd.DataFrame, style: FigureStyle, *, dataset: str = "train_dataset", run: str = "run_id",
                    epoch: str = "epoch", metric: str = "metric") -> Figure:
    """Draw the curves from the ``run_history`` query's frame (columns ``dataset``, ``run``, ``epoch``,
    ``metric``, train, validation; metric 'best_epoch' rows mark the kept epoch on the validation curves)."""
    import matplotlib
    from matplotlib.lines import Line2D

    for name in (dataset, run, epoch, metric, "train", "validation"):
        if name not in frame.columns:
            raise ValueError(f"training-curve frame has no column {name!r}")
    metrics = [m for m in CURVE_METRICS if m in set(frame[metric])]
    if not metrics:
        raise ValueError(f"training-curve frame holds none of the metrics {', '.join(CURVE_METRICS)}")
    datasets = sorted(frame[dataset].dropna().astype(str).unique())
    best = frame[frame[metric] == "best_epoch"].set_index(run)[epoch].to_dict()
    figure, axes = new_figure(style, height_ratio=0.2 * len(datasets) + 0.1, width_columns=2.0,
                              nrows=len(datasets), ncols=len(metrics), squeeze=False, sharex="row")
    with matplotlib.rc_context(style.rc()):
        for i, name in enumerate(datasets):
            rows = frame[frame[dataset].astype(str) == name]
            for j, shown in enumerate(metrics):
                ax = axes[i][j]
                curves = rows[rows[metric] == shown]
                for run_id, curve in curves.groupby(run, sort=True):
                    curve = curve.sort_values(epoch)
                    for part, part_style in PART_STYLES.items():
                        ax.plot(curve[epoch], curve[part], lw=0.9, alpha=0.85, **part_style)
                    kept = curve[curve[epoch] == best.get(run_id)]
                    if not kept.empty:
                        ax.plot(kept[epoch], kept["validation"], "o", ms=3, color=PART_STYLES["validation"]["color"])
                if i == 0:
                    ax.set_title(CURVE_METRICS[shown])
                if j == 0:
                    ax.set_ylabel(f"trained on\n{name}")
                if i == len(datasets) - 1:
                    ax.set_xlabel("epoch")
        handles = [Line2D([], [], lw=1.2, **s) for s in PART_STYLES.values()]
        handles.append(Line2D([], [], ls="none", marker="o", ms=3, color=PART_STYLES["validation"]["color"]))
        figure.legend(handles, ["training part", "validation part", "kept epoch"], loc="outside lower center",
                      frameon=False, ncols=3)
    return figure
