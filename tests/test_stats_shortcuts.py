"""Shortcut audit: how well each image descriptor alone separates real from fake, checked against
sklearn's AUC, the Hanley-McNeil variance written out independently, and a coverage simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

from dsanalysis.stats.shortcuts import (SHORTCUT_AUC, auc_interval, category_shares, descriptor_separation,
                                        shortcut_audit)


def _numeric(dataset: str, descriptor: str, real: np.ndarray, fake: np.ndarray) -> pd.DataFrame:
    values = np.concatenate([np.asarray(real, float), np.asarray(fake, float)])
    return pd.DataFrame({"dataset": dataset, "label": ["real"] * len(real) + ["fake"] * len(fake),
                         "descriptor": descriptor, "kind": "numeric", "value": values, "category": None})


def _categorical(dataset: str, descriptor: str, real: list, fake: list) -> pd.DataFrame:
    return pd.DataFrame({"dataset": dataset, "label": ["real"] * len(real) + ["fake"] * len(fake),
                         "descriptor": descriptor, "kind": "categorical", "value": np.nan,
                         "category": pd.Series([*real, *fake], dtype=object)})


def _row(table: pd.DataFrame, dataset: str, descriptor: str) -> pd.Series:
    found = table[(table["dataset"] == dataset) & (table["descriptor"] == descriptor)]
    assert len(found) == 1, (dataset, descriptor)
    return found.iloc[0]


def test_separation_is_sklearns_auc_in_either_direction_with_ties():
    rng = np.random.default_rng(3)
    real = np.round(rng.normal(0.0, 1.0, 60), 1)  # rounded: many ties across classes
    fake = np.round(rng.normal(0.7, 1.0, 40), 1)
    data = pd.concat([_numeric("d", "up", real, fake), _numeric("d", "down", -real, -fake)], ignore_index=True)
    out = descriptor_separation(data)
    expected = roc_auc_score(np.r_[np.zeros(60), np.ones(40)], np.r_[real, fake])
    up, down = _row(out, "d", "up"), _row(out, "d", "down")
    assert up["auc"] == pytest.approx(expected, abs=1e-12)
    assert up["direction"] == "higher in fakes" and up["separation"] == pytest.approx(expected, abs=1e-12)
    assert down["auc"] == pytest.approx(1 - expected, abs=1e-12)
    assert down["direction"] == "lower in fakes" and down["separation"] == pytest.approx(expected, abs=1e-12)
    assert up["ci_low"] < up["separation"] < up["ci_high"]
    assert (down["ci_low"], down["ci_high"]) == pytest.approx((up["ci_low"], up["ci_high"]))
    assert (up["n_real"], up["n_fake"]) == (60, 40)


def test_a_descriptor_constant_within_each_class_is_a_perfect_separation_with_an_interval_and_a_warning():
    # the LFW case: every real at JPEG quality 90, every fake at 95; the standardized difference is undefined
    out = descriptor_separation(_numeric("lfw", "jpeg_quality", np.full(500, 90.0), np.full(500, 95.0)))
    row = _row(out, "lfw", "jpeg_quality")
    assert row["separation"] == 1.0 and row["direction"] == "higher in fakes"
    assert 0.98 < row["ci_low"] < 1.0 and row["ci_high"] == 1.0
    assert (row["median_real"], row["median_fake"]) == (90.0, 95.0)
    assert bool(row["warning"]) and row["threshold"] == SHORTCUT_AUC
    assert row["origin"] == "file" and row["name"] == "JPEG quality"
    assert "JPEG quality" in row["message"] and "AUC 1.000" in row["message"] and "lfw" in row["message"]


def test_equal_constant_classes_separate_at_chance_instead_of_a_missing_value():
    row = _row(descriptor_separation(_numeric("d", "jpeg_quality", np.full(30, 90.0), np.full(30, 90.0))),
               "d", "jpeg_quality")
    assert row["auc"] == 0.5 and row["separation"] == 0.5 and row["direction"] == "none"
    assert row["ci_low"] < 0.5 < row["ci_high"]
    assert not bool(row["warning"]) and row["message"] == ""


def test_a_class_without_values_is_explained_and_its_file_format_carries_the_separation():
    real = _numeric("d", "jpeg_quality", np.full(20, 90.0), np.full(20, np.nan))
    formats = _categorical("d", "file_format", ["JPEG"] * 20, ["PNG"] * 20)
    out = descriptor_separation(pd.concat([real, formats], ignore_index=True))
    quality = _row(out, "d", "jpeg_quality")
    assert np.isnan(quality["separation"]) and "no fake image has a value" in quality["note"]
    assert (quality["n_fake"], quality["missing_fake"], quality["missing_real"]) == (0, 20, 0)
    fmt = _row(out, "d", "file_format")
    assert fmt["separation"] == 1.0 and bool(fmt["warning"])
    assert (fmt["top_real"], fmt["top_real_share"], fmt["top_fake"], fmt["top_fake_share"]) == ("JPEG", 1.0, "PNG", 1.0)


def test_categories_are_cross_fitted_so_an_identifier_does_not_look_like_a_shortcut():
    rng = np.random.default_rng(0)
    n = 200
    tied = _categorical("d", "jpeg_qtable", ["aaa"] * n, ["bbb"] * n)
    unrelated = _categorical("d", "chroma_subsampling", list(rng.choice(["4:2:0", "4:4:4"], n)),
                             list(rng.choice(["4:2:0", "4:4:4"], n)))
    identifier = _categorical("d", "image_size", [f"r{i}" for i in range(n)], [f"f{i}" for i in range(n)])
    out = descriptor_separation(pd.concat([tied, unrelated, identifier], ignore_index=True))
    assert _row(out, "d", "jpeg_qtable")["separation"] == 1.0
    for descriptor in ("chroma_subsampling", "image_size"):  # in-sample, the identifier would score 1.0
        row = _row(out, "d", descriptor)
        assert row["separation"] < 0.6 and not bool(row["warning"]), descriptor
    assert _row(out, "d", "image_size")["separation"] == pytest.approx(0.5, abs=0.05)


def test_missing_categories_count_as_a_category():
    data = _categorical("d", "chroma_subsampling", ["4:2:0"] * 10, [None] * 10)
    row = _row(descriptor_separation(data), "d", "chroma_subsampling")
    assert row["separation"] == 1.0 and row["top_fake"] == "(missing)" and row["missing_fake"] == 10


def test_a_warning_needs_the_threshold_and_an_interval_above_chance():
    small = descriptor_separation(_numeric("d", "width", [1.0, 2.0], [3.0, 4.0]))
    row = _row(small, "d", "width")
    assert row["separation"] == 1.0 and row["ci_low"] < 0.5 and not bool(row["warning"])
    moderate = descriptor_separation(_numeric("d", "width", np.arange(100.0), np.arange(100.0) + 30))
    row = _row(moderate, "d", "width")
    assert 0.5 < row["ci_low"] and row["separation"] < SHORTCUT_AUC and not bool(row["warning"])
    strict = descriptor_separation(_numeric("d", "width", np.arange(100.0), np.arange(100.0) + 30), threshold=0.6)
    assert bool(_row(strict, "d", "width")["warning"]) and _row(strict, "d", "width")["threshold"] == 0.6


def _hanley_mcneil_variance(theta: float, m: int, n: int) -> float:
    """Newcombe's (2006) method 4/5 variance, written from Hanley and McNeil's Q1, Q2 with m-1, n-1 -> N*-1."""
    q1, q2 = theta / (2 - theta), 2 * theta**2 / (1 + theta)
    star = (m + n) / 2 - 1
    return (theta * (1 - theta) + star * (q1 - theta**2) + star * (q2 - theta**2)) / (m * n)


@pytest.mark.parametrize("auc,m,n", [(1.0, 500, 500), (0.0, 500, 500), (0.5, 30, 30), (0.83, 12, 7), (0.97, 5, 9),
                                     (1.0, 3, 3), (0.6, 2000, 50)])
def test_the_interval_solves_the_score_equation_and_stays_in_range(auc, m, n):
    low, high = auc_interval(auc, m, n)
    assert 0.0 <= low <= auc <= high <= 1.0
    z = norm.ppf(0.975)
    for bound in (low, high):
        if bound in (0.0, 1.0) and bound == auc:
            continue  # the estimate on the boundary is the interval's end
        assert (auc - bound) ** 2 == pytest.approx(z * z * _hanley_mcneil_variance(bound, m, n), rel=1e-6, abs=1e-12)
    if auc == 1.0:
        assert high == 1.0 and low < 1.0


def test_the_interval_covers_the_true_auc_about_95_percent_of_the_time():
    rng = np.random.default_rng(11)
    shift, m, n, reps = 1.0, 30, 30, 400
    true_auc = norm.cdf(shift / np.sqrt(2))
    covered = 0
    for _ in range(reps):
        fake, real = rng.normal(shift, 1, m), rng.normal(0, 1, n)
        low, high = auc_interval(roc_auc_score(np.r_[np.ones(m), np.zeros(n)], np.r_[fake, real]), m, n)
        covered += low <= true_auc <= high
    assert 0.92 <= covered / reps <= 0.99


def test_audit_tables_headline_and_notes():
    a = pd.concat([_numeric("a", "jpeg_quality", np.full(50, 90.0), np.full(50, 95.0)),
                   _categorical("a", "jpeg_qtable", ["e2037f0a543b"] * 50, ["89c4363e27b8"] * 50),
                   _numeric("a", "sharpness", np.linspace(0, 1, 50), np.linspace(0, 1, 50))], ignore_index=True)
    rng = np.random.default_rng(1)
    b = _numeric("b", "jpeg_quality", rng.normal(80, 5, 40), rng.normal(80, 5, 40))
    c = _numeric("c", "jpeg_quality", np.full(10, 90.0), np.empty(0))
    tables = shortcut_audit(pd.concat([a, b, c], ignore_index=True))
    assert set(tables) == {"separation", "categories", "warnings", "notes"}
    separation = tables["separation"]
    assert list(separation.loc[separation["dataset"] == "a", "descriptor"][:2]) == ["jpeg_qtable", "jpeg_quality"]
    warnings = tables["warnings"]
    assert list(warnings["dataset"]) == ["a"] and warnings["n_warnings"].tolist() == [2]
    message = warnings["message"].iloc[0]
    assert "JPEG quantization table" in message and "JPEG quality" in message and "AUC 1.000" in message
    assert "sharpness" not in message
    notes = tables["notes"]
    assert ((notes["subject"] == "c") & notes["message"].str.contains("no fake images")).any()
    shares = tables["categories"].set_index(["dataset", "descriptor", "category"])
    assert shares.loc[("a", "jpeg_qtable", "e2037f0a543b"), ["n_real", "n_fake", "share_real"]].tolist() == [50, 0, 1.0]
    assert shares.loc[("a", "jpeg_qtable", "89c4363e27b8"), "share_fake"] == 1.0


def test_category_shares_lump_the_rare_ones():
    data = _categorical("d", "image_size", [f"{i}x{i}" for i in range(30)], ["64x64"] * 30)
    shares = category_shares(data, top=5)
    assert len(shares) == 6 and "(other)" in set(shares["category"])
    assert shares["n_real"].sum() == 30 and shares["n_fake"].sum() == 30


def test_bad_input_is_a_value_error():
    good = _numeric("d", "x", [1.0, 2.0], [3.0, 4.0])
    with pytest.raises(ValueError, match="columns"):
        descriptor_separation(good.drop(columns=["kind"]))
    with pytest.raises(ValueError, match="label"):
        descriptor_separation(good.assign(label="unknown"))
    with pytest.raises(ValueError, match="kind"):
        descriptor_separation(good.assign(kind="ordinal"))
    with pytest.raises(ValueError, match="threshold"):
        descriptor_separation(good, threshold=0.4)
    with pytest.raises(ValueError, match="confidence"):
        auc_interval(0.7, 10, 10, confidence=1.5)
    with pytest.raises(ValueError, match="auc"):
        auc_interval(1.2, 10, 10)
