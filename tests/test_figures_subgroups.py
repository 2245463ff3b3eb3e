"""The subgroup chart: every in-domain subgroup is drawn (one without an estimate says why) and quantile bins
carry the range of values they hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsanalysis.figures.style import FigureStyle
from dsanalysis.stats.analyses import quantile_bin_names

STYLE = FigureStyle()


def test_quantile_bins_are_named_with_their_value_ranges():
    values = pd.Series([0.0, 0.1, 0.2, 0.3, 0.5, 0.6, 0.9, 1.0])
    codes = pd.qcut(values, 4, labels=False)
    assert quantile_bin_names(values, codes).tolist() == ["q1: 0.000–0.100"] * 2 + ["q2: 0.200–0.300"] * 2 + [
        "q3: 0.500–0.600"] * 2 + ["q4: 0.900–1.000"] * 2
    one = pd.Series([5.0, 5.0, 7.0, 9.0])
    assert quantile_bin_names(one, pd.Series([0, 0, 1, 1])).tolist() == ["q1: 5.000"] * 2 + ["q2: 7.000–9.000"] * 2


def test_subgroup_frame_names_numeric_bins_with_ranges():
    from types import SimpleNamespace

    from dsanalysis.stats.analyses import subgroup_frame

    predictions = pd.DataFrame({"run_id": "r", "train_dataset": "a", "eval_dataset": "a", "image_id": range(8),
                                "label": ["real", "fake"] * 4, "score_real": 0.5})
    descriptors = pd.DataFrame({"image_id": range(8), "attribute": "quality.sharpness",
                                "value": [10.0, 20, 30, 40, 50, 60, 70, 80], "category": None})
    frame, _ = subgroup_frame(SimpleNamespace(predictions=predictions), descriptors, bins=2)
    assert sorted(frame["subgroup"].unique()) == ["q1: 10.00–40.00", "q2: 50.00–80.00"]


def _metrics() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for dataset in ("alpha", "beta"):
        for subgroup, n in (("q1: 0.0–1.0", 40), ("q2: 1.1–2.0", 7 if dataset == "beta" else 40)):
            small = n < 10
            rows.append({"train_dataset": dataset, "eval_dataset": dataset, "in_domain": True,
                         "attribute": "quality.blur", "subgroup": subgroup, "n": n, "metric": "accuracy",
                         "value": np.nan if small else 0.8, "ci_low": np.nan if small else 0.7,
                         "ci_high": np.nan if small else 0.9, "note": f"only {n} images (needs 10)" if small else ""})
    gaps = pd.DataFrame([{"train_dataset": d, "eval_dataset": d, "in_domain": True, "attribute": "quality.blur",
                          "metric": "accuracy", "p_value": 0.04, "gap": 0.1} for d in ("alpha", "beta")])
    return pd.DataFrame(rows), gaps


def test_subgroup_chart_keeps_small_subgroups_and_says_why(monkeypatch):
    from dsanalysis.figures import study

    metrics, gaps = _metrics()
    monkeypatch.setattr(study, "_result", lambda store, analysis, result: {"subgroup_metrics": metrics,
                                                                           "subgroup_gaps": gaps}[result])
    figures = study.subgroup_figures(None, STYLE)
    ax = figures["subgroups_quality_blur"].axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["q2: 1.1–2.0", "q1: 0.0–1.0"]
    assert [t.get_text() for t in ax.texts] == ["no estimate: only 7 images (needs 10)"]
