"""Score curves from per-image scores: the ROC read on a grid, averaged over runs, DET, histograms, reliability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsanalysis.stats.curves import averaged_roc, fpr_grid, reliability_bins, roc_at, score_histograms


def test_grid_runs_from_zero_to_one_and_is_dense_at_both_ends():
    grid = fpr_grid()
    assert grid[0] == 0.0 and grid[-1] == 1.0 and np.all(np.diff(grid) > 0)
    assert grid[1] < 0.002 and grid[-2] > 0.998


@pytest.mark.parametrize("fake_low,expected", [(True, "perfect"), (False, "reversed")])
def test_separated_scores_give_the_corner_curves(fake_low, expected):
    fake = np.array([True] * 5 + [False] * 5)
    score_real = np.where(fake, 0.1, 0.9) if fake_low else np.where(fake, 0.9, 0.1)
    grid = fpr_grid(11)
    tpr = roc_at(score_real, fake, grid)
    if expected == "perfect":
        assert np.all(tpr == 1.0)  # every fake caught before any real is called fake, even at fpr 0
    else:
        assert np.all(tpr[:-1] == 0.0) and tpr[-1] == 1.0


def test_tied_scores_give_the_diagonal():
    fake = np.array([True, False] * 4)
    grid = fpr_grid(21)
    assert np.allclose(roc_at(np.full(8, 0.5), fake, grid), grid)


def test_reads_match_sklearn_roc_points_and_area():
    from sklearn.metrics import roc_auc_score, roc_curve

    rng = np.random.default_rng(3)
    fake = rng.random(200) < 0.4
    score_real = np.clip(rng.normal(np.where(fake, 0.4, 0.6), 0.2), 0, 1).round(2)  # with ties
    x, y, _ = roc_curve(fake, 1 - score_real)
    at = np.unique(x)
    top = np.array([y[x == rate].max() for rate in at])  # where the ROC rises vertically, the top of the rise
    assert np.allclose(roc_at(score_real, fake, at), top)
    dense = np.linspace(0, 1, 20001)
    assert np.trapezoid(roc_at(score_real, fake, dense), dense) == pytest.approx(roc_auc_score(fake, 1 - score_real),
                                                                                 abs=1e-4)


def _two_runs() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for run, shift in (("r1", 0.3), ("r2", 0.1)):
        for i in range(60):
            fake = i % 2 == 0
            rows.append(("a", "b", run, "fake" if fake else "real", float(np.clip(rng.normal(0.5 + (-shift if fake else shift), 0.15), 0, 1))))
    return pd.DataFrame(rows, columns=["train_dataset", "eval_dataset", "run_id", "label", "score_real"])


def test_averaged_roc_is_the_mean_of_the_runs_curves_and_carries_their_mean_auc():
    from sklearn.metrics import roc_auc_score

    frame = _two_runs()
    curve = averaged_roc(frame, by=["train_dataset", "eval_dataset"])
    assert list(curve.columns) == ["train_dataset", "eval_dataset", "fpr", "tpr", "fnr", "auc", "n_runs"]
    grid = fpr_grid()
    assert len(curve) == len(grid) and (curve["n_runs"] == 2).all()
    runs = [roc_at(p["score_real"].to_numpy(), p["label"].eq("fake").to_numpy(), grid) for _, p in frame.groupby("run_id")]
    assert np.allclose(curve["tpr"], np.mean(runs, axis=0))
    assert np.allclose(curve["fnr"], 1 - curve["tpr"])
    aucs = [roc_auc_score(p["label"].eq("fake"), 1 - p["score_real"]) for _, p in frame.groupby("run_id")]
    assert curve["auc"].iloc[0] == pytest.approx(np.mean(aucs))
    assert np.trapezoid(curve["tpr"], curve["fpr"]) == pytest.approx(np.mean(aucs), abs=0.02)


def test_a_run_with_one_class_is_left_out_and_an_empty_frame_gives_no_rows():
    frame = _two_runs()
    one_class = frame[frame["run_id"] == "r1"].assign(run_id="r3", label="real")
    curve = averaged_roc(pd.concat([frame, one_class]), by=["train_dataset"])
    assert (curve["n_runs"] == 2).all()
    assert averaged_roc(frame.iloc[:0], by=["train_dataset"]).empty


def test_histogram_shares_sum_to_one_per_class_and_keep_empty_bins():
    frame = pd.DataFrame({"d": "x", "label": ["real"] * 3 + ["fake"] * 2, "score_real": [1.0, 0.96, 0.5, 0.0, 0.04]})
    hist = score_histograms(frame, by=["d"], bins=10)
    assert len(hist) == 20
    assert hist.groupby("label")["share"].sum().tolist() == [1.0, 1.0]
    real = hist[hist["label"] == "real"].set_index("bin_low")["count"]
    assert real[0.9] == 2 and real[0.5] == 1 and real.sum() == 3  # a score of exactly 1 is in the last bin


def test_reliability_bins_hold_mean_score_and_observed_real_share():
    frame = pd.DataFrame({"d": "x", "label": ["real", "fake", "real", "real"], "score_real": [0.05, 0.02, 0.93, 0.97]})
    bins = reliability_bins(frame, by=["d"], bins=10)
    assert bins[["bin_low", "bin_high"]].to_numpy().tolist() == [[0.0, 0.1], [0.9, 1.0]]
    assert bins["mean_score"].tolist() == pytest.approx([0.035, 0.95])
    assert bins["real_share"].tolist() == [0.5, 1.0] and bins["n"].tolist() == [2, 2]
