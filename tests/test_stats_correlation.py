"""Dataset-level correlation screen: scipy references, exact permutations, power, FDR under the null."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dsanalysis.stats.correlation import (
    coefficient_rows, critical_correlation, min_detectable_correlation, permutation_p, sample_size_statement,
    trait_correlations, units_needed,
)


def _frame(x: np.ndarray, y: np.ndarray, trait: str = "t") -> pd.DataFrame:
    return pd.DataFrame({"dataset": [f"d{i}" for i in range(len(x))], "trait": trait, "value": x, "score": y})


def test_coefficients_and_p_values_match_scipy_with_ties():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 4, 15).astype(float)  # ties on purpose
    y = x + rng.normal(0, 2, 15)
    out = trait_correlations(_frame(x, y), n_boot=200, n_perm=999).set_index("method")
    refs = {"pearson": stats.pearsonr(x, y), "spearman": stats.spearmanr(x, y), "kendall": stats.kendalltau(x, y)}
    for method, ref in refs.items():
        assert out.loc[method, "r"] == pytest.approx(ref.statistic, abs=1e-12)
        assert out.loc[method, "p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
        assert out.loc[method, "ci_low"] <= out.loc[method, "r"] <= out.loc[method, "ci_high"]


def test_vectorized_coefficients_match_scipy_row_by_row():
    rng = np.random.default_rng(2)
    x, y = rng.integers(0, 5, (20, 9)).astype(float), rng.normal(size=(20, 9))
    for method, ref in (("spearman", stats.spearmanr), ("kendall", stats.kendalltau)):
        got = coefficient_rows(x, y, method)
        assert np.allclose(got, [ref(a, b).statistic for a, b in zip(x, y)])


def test_exact_permutation_p_matches_scipy_and_brute_force():
    x = np.array([1.0, 2.5, 3.0, 4.2, 5.1, 7.0])
    y = np.array([2.0, 1.0, 4.0, 3.5, 6.0, 5.0])
    rng = np.random.default_rng(0)
    # Spearman's null distribution is symmetric, so scipy's doubled one-sided p is the |rho| p-value
    ref = stats.permutation_test((y,), lambda a: stats.spearmanr(x, a)[0], permutation_type="pairings",
                                 alternative="two-sided", n_resamples=np.inf)
    assert permutation_p(x, y, "spearman", 0, rng) == pytest.approx(ref.pvalue, abs=1e-9)
    # Pearson's is not: compare with the |r| >= |r_obs| share over all 720 orderings, counted by hand
    observed = abs(stats.pearsonr(x, y)[0])
    hits = sum(abs(stats.pearsonr(x, y[list(order)])[0]) >= observed - 1e-12 for order in itertools.permutations(range(6)))
    assert permutation_p(x, y, "pearson", 0, rng) == pytest.approx(hits / 720, abs=1e-12)


def test_minimum_detectable_correlation_has_the_stated_power_in_simulation():
    n, alpha = 20, 0.05
    r = min_detectable_correlation(n, alpha, 0.8)
    rng = np.random.default_rng(3)
    sims = 4000
    x = rng.normal(size=(sims, n))
    y = r * x + np.sqrt(1 - r * r) * rng.normal(size=(sims, n))
    p = stats.pearsonr(x, y, axis=1).pvalue
    power = np.mean(p < alpha)
    # Fisher-z approximation; binomial SE of the estimate is sqrt(.8*.2/4000) = 0.006
    assert power == pytest.approx(0.8, abs=0.03)
    assert critical_correlation(n, alpha) == pytest.approx(0.4438, abs=1e-3)  # textbook table, df = 18
    assert units_needed(r, alpha, 0.8) == n


def test_two_datasets_get_a_plain_statement_and_no_numbers_without_notes():
    out = trait_correlations(_frame(np.array([1.0, 2.0]), np.array([0.6, 0.7])), n_boot=100, n_perm=100)
    assert out["r"].isna().all()
    assert out["note"].str.contains("at least 3").all()
    statement = sample_size_statement(2)
    assert "2 datasets cannot support any trait claim" in statement
    assert "needs about 30 datasets" in statement


def test_constant_trait_missing_values_and_tiny_n_are_explained():
    data = pd.concat([
        _frame(np.ones(6), np.arange(6.0), "constant"),
        _frame(np.array([1.0, np.nan, 3.0, 4.0, 2.0, 6.0]), np.arange(6.0), "gappy"),
    ])
    out = trait_correlations(data, n_boot=100, n_perm=100).set_index(["trait", "method"])
    assert out.loc[("constant", "pearson"), "note"].startswith("the trait is constant")
    assert np.isnan(out.loc[("constant", "pearson"), "r"])
    gappy = out.loc[("gappy", "pearson")]
    assert gappy["n"] == 5 and "1 units without a value" in gappy["note"]
    assert gappy["r"] == pytest.approx(stats.pearsonr([1, 3, 4, 2, 6], [0, 2, 3, 4, 5])[0])
    for column in ("r", "p_value", "ci_low", "min_detectable_r"):
        silent = out[column].isna() & (out["note"] == "")
        assert not silent.any(), column


@pytest.mark.slow
def test_fdr_corrected_screen_keeps_false_positives_near_nominal_under_the_null():
    # 150 studies of 12 datasets x 20 traits, no trait related to the score. Under this global null
    # the BH-controlled FDR equals the chance of any discovery, which must stay near 0.05: with 150
    # studies its binomial SE is 0.018, so 0.05 + 3 SE = 0.105 bounds it. Uncorrected per-test
    # rejection (3000 tests, SE 0.004) must sit near 0.05, showing the permutation p is calibrated.
    rng = np.random.default_rng(11)
    any_discovery, raw = [], []
    for study in range(150):
        data = pd.DataFrame({"trait": np.repeat([f"t{k}" for k in range(20)], 12),
                             "value": rng.normal(size=240), "score": np.tile(rng.normal(size=12), 20)})
        out = trait_correlations(data, methods=("pearson",), n_boot=20, n_perm=199, seed=study)
        any_discovery.append(bool((out["q_value"] < 0.05).any()))
        raw.extend(out["p_permutation"] < 0.05)
    assert np.mean(any_discovery) <= 0.105
    assert np.mean(raw) == pytest.approx(0.05, abs=0.015)


@pytest.mark.parametrize("n", [4, 5])
def test_no_interval_where_the_bootstrap_over_few_datasets_is_degenerate(n):
    # a resample of fewer than 3 distinct datasets has r = +1, -1 or none: with 4 datasets 34% of
    # resamples are such (with 5, 10%), more than the 2.5% tail, so the interval would end at -1 by
    # construction ([-1.00, -1.00] for a strong negative r). No interval, and the note says why.
    x = np.arange(float(n))
    y = 0.52 - 0.01 * x + np.array([0.001, -0.002, 0.0, 0.002, -0.001])[:n]
    out = trait_correlations(_frame(x, y), n_boot=1000, n_perm=100)
    assert out["r"].notna().all()
    assert out["ci_low"].isna().all() and out["ci_high"].isna().all()
    assert out["note"].str.contains("no interval").all() and out["note"].str.contains("fewer than 3 distinct").all()


def test_interval_is_kept_where_resamples_are_informative():
    rng = np.random.default_rng(6)
    x = rng.normal(size=12)
    out = trait_correlations(_frame(x, -x + rng.normal(0, 0.5, 12)), n_boot=1000, n_perm=100)
    assert out["ci_low"].notna().all() and (out["ci_low"] < out["ci_high"]).all()
    assert (out["ci_low"] > -1).all() and not out["note"].str.contains("no interval").any()
