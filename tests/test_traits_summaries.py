"""Per-dataset summaries: size and balance, distributions with bootstrap intervals, SMD, category diversity."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dsanalysis.traits import summaries, vectors


def _frame(n_real: int = 60, n_fake: int = 40, shift: float = 0.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "image_id": np.arange(n_real + n_fake),
        "label": ["real"] * n_real + ["fake"] * n_fake,
        "group_id": [f"v{i // 10}" for i in range(n_real + n_fake)],
        "source_split": None,
        "sharpness": np.concatenate([rng.normal(10, 2, n_real), rng.normal(10 + shift, 2, n_fake)]),
    })


def test_size_summaries_count_classes_groups_and_ratio():
    rows = summaries.size_summaries(_frame()).set_index(["trait", "class"])["value"]
    assert rows[("images", "all")] == 100 and rows[("images", "real")] == 60 and rows[("images", "fake")] == 40
    assert rows[("real_fake_ratio", "all")] == pytest.approx(1.5)
    assert rows[("groups", "all")] == 10 and rows[("images_per_group", "all")] == pytest.approx(10.0)


def test_size_summaries_leave_groups_out_when_unknown():
    frame = _frame()
    frame["group_id"] = None
    assert "groups" not in set(summaries.size_summaries(frame)["trait"])


def test_numeric_summaries_match_numpy_and_count_missing_values():
    frame = _frame()
    frame.loc[[0, 1, 2], "sharpness"] = np.nan
    rows = summaries.numeric_summaries(frame, ["sharpness"], resamples=200, seed=1).set_index(["trait", "class"])
    real = frame.loc[frame["label"] == "real", "sharpness"].dropna()
    assert rows.loc[("sharpness.mean", "real"), "value"] == pytest.approx(real.mean())
    assert rows.loc[("sharpness.mean", "real"), "n"] == 57
    assert rows.loc[("sharpness.sd", "real"), "value"] == pytest.approx(real.std(ddof=1))
    assert rows.loc[("sharpness.q50", "all"), "value"] == pytest.approx(frame["sharpness"].median())
    low, high = rows.loc[("sharpness.mean", "all"), ["ci_low", "ci_high"]]
    assert low < frame["sharpness"].mean() < high


def test_smd_equals_cohens_d_and_its_interval_covers_a_planted_effect():
    frame = _frame(400, 400, shift=1.0, seed=5)   # true d = 1.0 / 2 = 0.5
    rows = summaries.numeric_summaries(frame, ["sharpness"], resamples=300, seed=2).set_index(["trait", "class"])
    fake = frame.loc[frame["label"] == "fake", "sharpness"]
    real = frame.loc[frame["label"] == "real", "sharpness"]
    pooled = math.sqrt((fake.var() * 399 + real.var() * 399) / 798)
    d = rows.loc[("sharpness.smd", "all")]
    assert d["value"] == pytest.approx((fake.mean() - real.mean()) / pooled)
    assert d["ci_low"] < 0.5 < d["ci_high"]
    assert d["ci_low"] > 0.3  # the interval excludes "no difference"


def test_bootstrap_interval_covers_the_true_mean_at_about_the_nominal_rate():
    rng = np.random.default_rng(7)
    covered = 0
    for _ in range(200):
        sample = rng.exponential(1.0, 80)
        low, high = summaries.bootstrap_mean_ci(sample, 400, rng)
        covered += low <= 1.0 <= high
    assert 0.88 <= covered / 200 <= 0.99


def test_category_summaries_give_shares_entropy_and_simpson():
    frame = pd.DataFrame({"label": ["real"] * 4 + ["fake"] * 4,
                          "ita_category": ["light", "light", "tan", "dark", "light", "light", "light", "light"]})
    rows = summaries.category_summaries(frame, "ita_category", resamples=100, seed=0).set_index(["trait", "class"])
    assert rows.loc[("ita_category.share.light", "all"), "value"] == pytest.approx(6 / 8)
    assert rows.loc[("ita_category.share.tan", "real"), "value"] == pytest.approx(1 / 4)
    p = np.array([6, 1, 1]) / 8
    assert rows.loc[("ita_category.entropy", "all"), "value"] == pytest.approx(-(p * np.log(p)).sum())
    assert rows.loc[("ita_category.simpson", "all"), "value"] == pytest.approx(1 - (p**2).sum())
    assert rows.loc[("ita_category.entropy", "fake"), "value"] == 0.0
    assert rows.loc[("ita_category.entropy", "all"), "n"] == 8


def test_standardizer_centres_and_scales_on_the_reference_and_fills_missing_with_zero():
    reference = pd.DataFrame({"brightness": [10.0, 20.0, 30.0], "contrast": [1.0, 1.0, 1.0],
                              "face_area_share": [np.nan, np.nan, 0.5]})
    standardizer = vectors.fit_standardizer(reference)
    assert standardizer["columns"] == ["brightness"]   # constant and mostly-missing columns are left out
    x = vectors.standardized_vectors(pd.DataFrame({"brightness": [20.0, np.nan, 30.0]}), standardizer)
    assert x[:, 0] == pytest.approx([0.0, 0.0, 10 / np.std([10, 20, 30])])
