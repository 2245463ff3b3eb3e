"""Image level: GEE odds ratios recover a planted descriptor effect; degenerate input is explained."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsanalysis.stats.image_level import image_odds_ratios


def _simulate(rng: np.random.Generator, log_or: float, n_images: int = 400, n_runs: int = 3) -> pd.DataFrame:
    blur = rng.normal(2.0, 1.5, n_images)  # raw units; the model reports per SD
    size = rng.normal(0, 1, n_images)
    rows = []
    for run in range(n_runs):
        logit = 1.0 + 0.3 * run + log_or * (blur - 2.0) / 1.5
        correct = rng.random(n_images) < 1 / (1 + np.exp(-logit))
        rows.append(pd.DataFrame({"run_id": f"r{run}", "eval_dataset": "x", "image": np.arange(n_images),
                                  "blur": blur, "size": size, "correct": correct.astype(int)}))
    return pd.concat(rows, ignore_index=True)


def test_planted_odds_ratios_are_covered_by_their_intervals():
    # independent scorings (no image effect), so the population-averaged GEE odds ratio equals the
    # planted conditional one: blur OR = exp(-0.7) per 1.5 raw units, size OR = 1. Over 12 simulated
    # studies the 24 intervals (95%) may miss a few times; more than 4 misses has probability 0.007.
    misses = 0
    for replicate in range(12):
        data = _simulate(np.random.default_rng(100 + replicate), -0.7, n_images=200)
        out = image_odds_ratios(data, "correct", ["blur", "size"], "image").set_index("term")
        blur = out.loc["blur"]
        planted = np.exp(-0.7 * blur["predictor_sd"] / 1.5)  # reported per sample SD
        misses += not (blur["ci_low"] <= planted <= blur["ci_high"])
        misses += not (out.loc["size", "ci_low"] <= 1.0 <= out.loc["size", "ci_high"])
        assert blur["odds_ratio"] < 1
        assert blur["n_clusters"] == 200 and blur["n_rows"] == 600
        assert out["vif"].between(1.0, 1.1).all()
    assert misses <= 4


def test_constant_and_missing_descriptors_are_explained_and_the_rest_fitted():
    data = _simulate(np.random.default_rng(5), -0.5, n_images=200)
    data["flat"] = 3.0
    data["absent"] = np.nan
    out = image_odds_ratios(data, "correct", ["blur", "flat", "absent"], "image").set_index("term")
    assert "constant" in out.loc["flat", "note"] and "no image" in out.loc["absent", "note"]
    assert out.loc["blur", "odds_ratio"] < 1


def test_all_correct_calls_give_no_odds_ratio_but_a_reason():
    data = _simulate(np.random.default_rng(6), -0.5, n_images=50)
    data["correct"] = 1
    out = image_odds_ratios(data, "correct", ["blur"], "image")
    assert np.isnan(out["odds_ratio"].iloc[0]) and "every call is correct" in out["note"].iloc[0]
