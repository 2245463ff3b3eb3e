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
