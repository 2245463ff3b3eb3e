"""Figures of the controlled-subset experiments, drawn from the stored 'interventions' analysis: a forest plot
of the effects, the learning curves, and the size-matched ranking beside the full one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dsanalysis.figures._base import new_figure
from dsanalysis.figures.intervals import interval_plot
from dsanalysis.figures.style import OKABE_ITO, FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure

METRICS = ("accuracy", "auc")
SCORE_NAMES = {"in_domain": "in-domain", "generalization": "generalization"}


def effect_label(frame: pd.DataFrame) -> pd.Series:
    """'<trait or kind>: <arm_b> − <arm_a>' over 'on <dataset>' (two short lines) per effects row."""
    what = frame["trait"].where(frame["trait"].notna() & (frame["kind"] != "diversity"), frame["kind"])
    what = what.astype(str).str.split(".").str[-1]
    return what + ": " + frame["arm_b"] + " − " + frame["arm_a"] + "\non " + frame["dataset"]


def effects_forest(effects: pd.DataFrame, style: FigureStyle, metric: str) -> Figure | None:
    """The effects of one metric (difference arm_b − arm_a with its interval), in-domain and generalization."""
    part = effects[effects["metric"] == metric]
    if part.empty:
        return None
    part = part.assign(label=effect_label(part), scope=part["score"].map(SCORE_NAMES).fillna(part["score"]))
    return interval_plot(part.sort_values(["label", "scope"]), style, label="label", estimate="difference",
                         low="ci_low", high="ci_high", series="scope", reference=0.0,
                         xlabel=f"difference in {metric} (trained on arm b − on arm a)")


def learning_curve(curves: pd.DataFrame, style: FigureStyle, metric: str) -> Figure | None:
    """Score against training images per class (log2 axis): observed means, the fitted log-linear curve and its
    band, one colour per dataset; in-domain solid, generalization dashed; the extrapolated stretch dotted."""
    import matplotlib
    import matplotlib.ticker

    part = curves[curves["metric"] == metric]
    if part.empty:
        return None
    figure, ax = new_figure(style, height_ratio=0.75)
    with matplotlib.rc_context(style.rc()):
        for k, (dataset, rows) in enumerate(part.groupby("dataset", sort=True)):
            color = OKABE_ITO[k % len(OKABE_ITO)]
            for score, dash in (("in_domain", "-"), ("generalization", "--")):
                line = rows[rows["score"] == score].sort_values("n_per_class")
                if line.empty:
                    continue
                observed = line[~line["extrapolated"].astype(bool)]
                ax.plot(observed["n_per_class"], observed["observed_mean"], "o", color=color, ms=3)
                fitted = line.dropna(subset=["fitted"])
                if fitted.empty:
                    continue
                inside = fitted[~fitted["extrapolated"].astype(bool)]
                ax.plot(inside["n_per_class"], inside["fitted"], dash, color=color, lw=1,
                        label=f"{dataset}, {SCORE_NAMES[score]}")
                ax.fill_between(fitted["n_per_class"], fitted["ci_low"], fitted["ci_high"], color=color, alpha=0.15, lw=0)
                beyond = pd.concat([inside.tail(1), fitted[fitted["extrapolated"].astype(bool)]])
                if len(beyond) > 1:
                    ax.plot(beyond["n_per_class"], beyond["fitted"], ":", color=color, lw=1)
        ax.set_xscale("log", base=2)
        low, high = part["n_per_class"].min(), part["n_per_class"].max()  # ticks at powers of two, plain numbers
        ticks = [2.0 ** k for k in range(int(np.floor(np.log2(low))), int(np.ceil(np.log2(high))) + 1)]
        ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.set_xlabel("training images per class (log scale; dotted: extrapolated)")
        ax.set_ylabel(metric)
        ax.axhline(0.5, color="#999999", lw=0.6, ls="--")
        ax.legend(fontsize="x-small", frameon=False)
    return figure


def size_matched_beside_full(matched: pd.DataFrame, full: pd.DataFrame, style: FigureStyle, metric: str) -> Figure | None:
    """Each training dataset's generalization score at full size and at the size every dataset reaches."""
    rows = []
    for name, frame in (("full training part", full), ("size-matched", matched)):
        if frame.empty:
            continue
        part = frame[(frame["metric"] == metric) & (frame["scope"] == "generalization")]
        rows.append(part.assign(size=name))
    if len(rows) < 2 or any(r.empty for r in rows):
        return None
    both = pd.concat(rows, ignore_index=True)
    order = list(rows[1].sort_values("estimate", ascending=False)["train_dataset"])
    both = both.assign(order=both["train_dataset"].map({d: i for i, d in enumerate(order)})).sort_values(["order", "size"])
    return interval_plot(both, style, label="train_dataset", estimate="estimate", low="ci_low", high="ci_high",
                         series="size", reference=0.5, xlabel=f"generalization {metric} (trained on row)")
