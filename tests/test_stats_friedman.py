"""Friedman test, Nemenyi critical difference and Wilcoxon-Holm against scipy and Demsar (2006)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from dsanalysis.stats.friedman import critical_difference, friedman_test, mean_ranks, pairwise_comparisons


def _long(matrix: np.ndarray) -> pd.DataFrame:
    """blocks x treatments -> tidy rows (block split in two columns, like eval_dataset x seed)."""
    rows = [{"eval_dataset": f"e{b // 3}", "seed": b % 3, "train_dataset": f"t{t}", "value": matrix[b, t]}
            for b in range(matrix.shape[0]) for t in range(matrix.shape[1])]
    return pd.DataFrame(rows)


BLOCKS = ["eval_dataset", "seed"]


@pytest.mark.parametrize("k", [3, 4, 5])
def test_friedman_statistic_matches_scipy_with_ties(k):
    rng = np.random.default_rng(k)
    matrix = np.round(rng.normal(size=(12, k)) + np.arange(k) * 0.3, 1)
    matrix[0, :2] = matrix[0, 0]  # a tie
    out = friedman_test(_long(matrix), BLOCKS, "train_dataset", "value").iloc[0]
    ref = stats.friedmanchisquare(*matrix.T)
    assert out["statistic"] == pytest.approx(ref.statistic, rel=1e-10)
    assert out["p_value"] == pytest.approx(ref.pvalue, rel=1e-10)
    n = 12
    f = (n - 1) * ref.statistic / (n * (k - 1) - ref.statistic)  # Iman-Davenport (Demsar eq. 4)
    assert out["iman_davenport_f"] == pytest.approx(f)
    assert out["iman_davenport_p"] == pytest.approx(stats.f.sf(f, k - 1, (k - 1) * (n - 1)))
    assert out["kendall_w"] == pytest.approx(ref.statistic / (n * (k - 1)))


# Demsar (2006), Table 5(a): critical values q_alpha of the two-tailed Nemenyi test
DEMSAR_Q05 = {2: 1.960, 3: 2.343, 4: 2.569, 5: 2.728, 6: 2.850, 7: 2.949, 8: 3.031, 9: 3.102, 10: 3.164}
DEMSAR_Q10 = {2: 1.645, 3: 2.052, 4: 2.291, 5: 2.459, 6: 2.589, 7: 2.693, 8: 2.780, 9: 2.855, 10: 2.920}


@pytest.mark.parametrize("k", range(2, 11))
def test_critical_difference_reproduces_demsar_table(k):
    n = 7
    scale = np.sqrt(k * (k + 1) / (6 * n))
    # the table is rounded to 3 decimals (2.343 vs 2.3437...), hence 1.5e-3
    assert critical_difference(k, n, 0.05) / scale == pytest.approx(DEMSAR_Q05[k], abs=1.5e-3)
    assert critical_difference(k, n, 0.10) / scale == pytest.approx(DEMSAR_Q10[k], abs=1.5e-3)


def test_demsar_worked_example_critical_difference():
    # Section 3.2.4: four classifiers on 14 data sets, CD = 2.569 sqrt(4*5 / (6*14)) = 1.25
    assert critical_difference(4, 14) == pytest.approx(1.25, abs=0.005)


def test_identical_rankings_give_w_one_and_significant_nemenyi():
    matrix = np.tile([0.9, 0.7, 0.5], (12, 1)) + np.linspace(0, 0.05, 12)[:, None]
    data = _long(matrix)
    out = friedman_test(data, BLOCKS, "train_dataset", "value").iloc[0]
    assert out["kendall_w"] == pytest.approx(1.0)
    ranks = mean_ranks(data, BLOCKS, "train_dataset", "value")
    assert list(ranks["treatment"]) == ["t0", "t1", "t2"] and list(ranks["mean_rank"]) == [1.0, 2.0, 3.0]
    pairs = pairwise_comparisons(data, BLOCKS, "train_dataset", "value").set_index(["treatment_a", "treatment_b"])
    assert bool(pairs.loc[("t0", "t2"), "nemenyi_significant"])  # rank gap 2 > CD 0.96
    assert pairs.loc[("t0", "t2"), "rank_biserial"] == 1.0
    assert pairs.loc[("t0", "t2"), "mean_difference"] == pytest.approx(0.4)


def test_wilcoxon_holm_matches_scipy_and_statsmodels():
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(15, 4)) + np.array([0.0, 0.2, 0.9, 1.0])
    pairs = pairwise_comparisons(_long(matrix), BLOCKS, "train_dataset", "value")
    ref = [stats.wilcoxon(matrix[:, a], matrix[:, b]).pvalue
           for a, b in [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]]
    assert np.allclose(pairs["wilcoxon_p"], ref)
    assert np.allclose(pairs["wilcoxon_p_holm"], multipletests(ref, method="holm")[1])


def test_incomplete_blocks_are_dropped_and_reported():
    data = _long(np.arange(12.0 * 3).reshape(12, 3))
    data = data.drop(index=data.index[0])  # block 0 loses treatment t0
    out = friedman_test(data, BLOCKS, "train_dataset", "value").iloc[0]
    assert out["n_blocks"] == 11 and out["n_blocks_dropped"] == 1
    assert "1 blocks left out" in out["note"]


def test_one_treatment_or_one_block_explains_instead_of_failing():
    data = _long(np.ones((1, 3)))
    out = friedman_test(data, BLOCKS, "train_dataset", "value").iloc[0]
    assert np.isnan(out["statistic"]) and "at least 2" in out["note"]
