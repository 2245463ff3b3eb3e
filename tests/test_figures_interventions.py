"""Figures of the controlled-subset experiments (dsanalysis.figures.interventions), from stored-table shapes."""

from __future__ import annotations

import pandas as pd

from dsanalysis.figures import interventions as draw
from dsanalysis.figures.style import FigureStyle
from dsanalysis.stats.tables import INTERVENTION_EFFECTS, LEARNING_CURVES, SCORES


def _frame(table, rows):
    return pd.DataFrame(rows).reindex(columns=table.names)


def test_forest_plot_labels_each_effect_and_skips_an_absent_metric():
    effects = _frame(INTERVENTION_EFFECTS, [
        {"intervention": "trait:quality.jpeg_quality", "kind": "trait", "dataset": "d", "trait": "quality.jpeg_quality",
         "arm_a": "low", "arm_b": "high", "score": s, "metric": "auc", "difference": 0.3, "ci_low": 0.1, "ci_high": 0.5}
        for s in ("in_domain", "generalization")] + [
        {"intervention": "diversity", "kind": "diversity", "dataset": "d", "trait": None, "arm_a": "narrow",
         "arm_b": "diverse", "score": "in_domain", "metric": "auc", "difference": 0.0, "ci_low": -0.1, "ci_high": 0.1}])
    assert list(draw.effect_label(effects)) == ["jpeg_quality: high − low\non d"] * 2 + ["diversity: diverse − narrow\non d"]
    figure = draw.effects_forest(effects, FigureStyle(), "auc")
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert set(labels) == {"jpeg_quality: high − low\non d", "diversity: diverse − narrow\non d"}
    assert draw.effects_forest(effects, FigureStyle(), "accuracy") is None


def test_learning_curve_draws_the_extrapolated_stretch_apart():
    rows = [{"intervention": "size", "dataset": "d", "score": "in_domain", "metric": "accuracy", "n_per_class": n,
             "n_points": 3, "observed_mean": 0.6 + 0.05 * k, "fitted": 0.6 + 0.05 * k, "ci_low": 0.55 + 0.05 * k,
             "ci_high": 0.65 + 0.05 * k, "extrapolated": False} for k, n in enumerate((25, 50, 100))]
    rows.append({**rows[-1], "n_per_class": 200, "n_points": 0, "observed_mean": None, "fitted": 0.75,
                 "extrapolated": True})
    figure = draw.learning_curve(_frame(LEARNING_CURVES, rows), FigureStyle(), "accuracy")
    lines = figure.axes[0].get_lines()
    dotted = [line for line in lines if line.get_linestyle() == ":"]
    assert len(dotted) == 1 and list(dotted[0].get_xdata()) == [100, 200]  # from the last trained size outwards
    assert figure.axes[0].get_xscale() == "log"


def test_size_matched_needs_both_rankings():
    scores = _frame(SCORES, [{"train_dataset": d, "metric": "accuracy", "scope": "generalization", "estimate": e,
                              "ci_low": e - 0.1, "ci_high": e + 0.1} for d, e in (("a", 0.7), ("b", 0.6))])
    assert draw.size_matched_beside_full(scores, scores.iloc[0:0], FigureStyle(), "accuracy") is None
    figure = draw.size_matched_beside_full(scores.assign(estimate=[0.6, 0.7]), scores, FigureStyle(), "accuracy")
    ax = figure.axes[0]
    # ordered by the size-matched score, best at the top (ticks run bottom to top): b (0.7) above a (0.6)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_legend_handles_labels()[1] == ["full training part", "size-matched"]
