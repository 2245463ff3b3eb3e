"""Subgroup metrics against hand counts and statsmodels; gaps against size-matched random groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from statsmodels.stats.proportion import proportion_confint

from dsanalysis.stats.subgroups import subgroup_gap_test, subgroup_metrics


def test_rates_by_hand_and_wilson_intervals_match_statsmodels():
    # 6 real (4 called real), 6 fake (5 called fake): accuracy 9/12, FPR 2/6, FNR 1/6
    label = ["real"] * 6 + ["fake"] * 6
    score = [0.9, 0.8, 0.7, 0.6, 0.3, 0.2] + [0.1, 0.2, 0.3, 0.4, 0.45, 0.8]
    data = pd.DataFrame({"attribute": "a", "subgroup": "g", "label": label * 2, "score_real": score * 2})
    out = subgroup_metrics(data).set_index("metric")
    assert out.loc["accuracy", "value"] == pytest.approx(18 / 24)
    assert out.loc["fpr", "value"] == pytest.approx(4 / 12)
    assert out.loc["fnr", "value"] == pytest.approx(2 / 12)
    low, high = proportion_confint(4, 12, method="wilson")
    assert (out.loc["fpr", "ci_low"], out.loc["fpr", "ci_high"]) == pytest.approx((low, high))
    fake = np.array(label * 2) == "fake"
    assert out.loc["auc", "value"] == pytest.approx(roc_auc_score(fake, -np.array(score * 2)))


def test_small_and_single_class_subgroups_are_explained():
    data = pd.DataFrame({"attribute": "a", "subgroup": ["tiny"] * 3 + ["onlyreal"] * 12,
                         "label": ["real", "fake", "real"] + ["real"] * 12, "score_real": 0.7})
    out = subgroup_metrics(data).set_index(["subgroup", "metric"])
    assert "only 3 images" in out.loc[("tiny", "accuracy"), "note"]
    assert "no fake images" in out.loc[("onlyreal", "fnr"), "note"]
    assert "single class" in out.loc[("onlyreal", "auc"), "note"]
    assert out.loc[("onlyreal", "fpr"), "value"] == 0.0


def _groups(rng: np.random.Generator, acc_a: float, acc_b: float, n: int = 150) -> pd.DataFrame:
    frames = []
    for name, acc in (("A", acc_a), ("B", acc_b)):
        label = rng.choice(["real", "fake"], n)
        correct = rng.random(n) < acc
        called_real = np.where(label == "real", correct, ~correct)
        frames.append(pd.DataFrame({"attribute": "skin", "subgroup": name, "label": label,
                                    "score_real": np.where(called_real, 0.8, 0.2)}))
    return pd.concat(frames, ignore_index=True)


def test_a_planted_gap_beats_random_groups_and_a_null_gap_does_not():
    planted = subgroup_gap_test(_groups(np.random.default_rng(1), 0.9, 0.6), n_random=200).set_index("metric")
    assert planted.loc["accuracy", "best_subgroup"] == "A" and planted.loc["accuracy", "p_value"] < 0.01
    assert planted.loc["accuracy", "gap"] > planted.loc["accuracy", "random_gap_95"]
    # no planted difference: over 20 null datasets the gap test rejects at most a few times
    # (expected 1 at alpha 0.05; P(more than 4 | 20 trials, 0.05) = 0.003)
    rejections = sum(subgroup_gap_test(_groups(np.random.default_rng(s), 0.8, 0.8), metrics=("accuracy",),
                                       n_random=100, seed=s)["p_value"].iloc[0] < 0.05 for s in range(20))
    assert rejections <= 4


def test_gap_tests_get_benjamini_hochberg_q_values_over_the_whole_family():
    from statsmodels.stats.multitest import multipletests

    from dsanalysis.stats.analyses import fdr_gaps

    rng = np.random.default_rng(4)
    p = np.r_[rng.uniform(0, 1, 37), [0.0001, 0.0004, np.nan]]
    gaps = pd.DataFrame({"train_dataset": ["a"] * 20 + ["b"] * 20, "eval_dataset": ["a"] * 30 + ["b"] * 10,
                         "attribute": "x", "p_value": p, "gap": 0.1})
    out, note = fdr_gaps(gaps, alpha=0.05, n_random=500)
    ok = ~np.isnan(p)
    reference = multipletests(p[ok], method="fdr_bh")[1]
    assert np.allclose(out["q_value"].to_numpy()[ok], reference) and np.isnan(out["q_value"].iloc[-1])
    assert out["survives_fdr"].tolist() == list(np.r_[reference <= 0.05, False])
    assert list(out.columns[out.columns.get_loc("p_value"):][:4]) == ["p_value", "q_value", "survives_fdr", "in_domain"]
    assert out["in_domain"].sum() == 30
    assert note.startswith("39 gap tests were run (29 in-domain, 10 cross-dataset); Benjamini-Hochberg over all of them: ")
    assert note.endswith("The smallest p-value a test can reach with 500 random groupings is 0.002")


def _three_runs() -> pd.DataFrame:
    """30 images, 3 runs: run r is confidently right on images with index % 3 != r and narrowly wrong on
    the rest, so each run's accuracy is 2/3 while the image-wise average of the runs' scores (an
    ensemble) is right on every image."""
    frames = []
    label = np.array(["real", "fake"] * 15)
    index = np.arange(30)
    for r in range(3):
        right = index % 3 != r
        called_real = np.where(label == "real", right, ~right)
        score = np.where(called_real, np.where(right, 0.95, 0.55), np.where(right, 0.05, 0.45))
        frames.append(pd.DataFrame({"run_id": f"run{r}", "image_id": index, "attribute": "skin",
                                    "subgroup": np.where(index < 20, "A", "B"), "label": label, "score_real": score}))
    return pd.concat(frames, ignore_index=True)


def test_metrics_are_computed_per_run_then_averaged_as_in_the_matrix():
    data = _three_runs()
    out = subgroup_metrics(data, run="run_id", n_boot=300).set_index(["subgroup", "metric"])
    ensemble = data.groupby(["subgroup", "label", data.index % 30])["score_real"].mean().reset_index()
    for group in ("A", "B"):
        per_run = [subgroup_metrics(part[part["subgroup"] == group]).set_index("metric")["value"]
                   for _, part in data.groupby("run_id")]
        expected = pd.concat(per_run, axis=1).mean(axis=1)
        row = out.loc[group]
        assert np.allclose(row.loc[expected.index, "value"], expected)
        assert row.loc["accuracy", "value"] == pytest.approx(2 / 3, abs=0.06)  # an ensemble scores 1.0 here
        assert (row["n_runs"] == 3).all()
        assert ((row["ci_low"] <= row["value"]) & (row["value"] <= row["ci_high"])).all()
        assert ((row["ci_low"] >= 0) & (row["ci_high"] <= 1)).all()
    whole = subgroup_metrics(ensemble.assign(attribute="skin"), n_boot=100).set_index(["subgroup", "metric"])
    assert (whole.xs("accuracy", level="metric")["value"] == 1.0).all()  # what the old ensemble reported


def test_gap_is_between_run_averaged_subgroup_values():
    data = _three_runs()
    out = subgroup_gap_test(data, run="run_id", metrics=("accuracy",), n_random=99).iloc[0]
    means = {g: np.mean([subgroup_metrics(part[part["subgroup"] == g]).set_index("metric").loc["accuracy", "value"]
                         for _, part in data.groupby("run_id")]) for g in ("A", "B")}
    assert out["gap"] == pytest.approx(abs(means["A"] - means["B"]))
    assert out["best_subgroup"] == max(means, key=means.get) and out["n_runs"] == 3
    assert 1 / 100 <= out["p_value"] <= 1


def test_per_run_gap_test_keeps_its_level_under_no_difference():
    # 20 null studies of 3 runs each: the per-run gap test rejects at alpha 0.05 at most a few times
    # (P(more than 4 of 20 | 0.05) = 0.003)
    rejections = 0
    for s in range(20):
        rng = np.random.default_rng(s)
        label = rng.choice(["real", "fake"], 160)
        runs = []
        for r in range(3):
            correct = rng.random(160) < 0.8
            called_real = np.where(label == "real", correct, ~correct)
            runs.append(pd.DataFrame({"run_id": f"r{r}", "image_id": np.arange(160), "attribute": "skin",
                                      "subgroup": np.repeat(["A", "B"], 80),
                                      "label": label, "score_real": np.where(called_real, 0.8, 0.2)}))
        data = pd.concat(runs, ignore_index=True)
        out = subgroup_gap_test(data, run="run_id", metrics=("accuracy",), n_random=100, seed=s)
        rejections += out["p_value"].iloc[0] < 0.05
    assert rejections <= 4
