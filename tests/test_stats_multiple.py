"""Benjamini-Hochberg and Holm adjustments against statsmodels and hand-computed cases."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests

from dsanalysis.stats.multiple import benjamini_hochberg, holm


def test_bh_hand_case():
    # p sorted: 0.01, 0.02, 0.03, 0.04 (m = 4): p*m/i = 0.04, 0.04, 0.04, 0.04; 0.5 -> 0.5*5/5
    q = benjamini_hochberg([0.04, 0.01, 0.5, 0.03, 0.02])
    assert np.allclose(q, [0.05, 0.05, 0.5, 0.05, 0.05])


def test_bh_and_holm_match_statsmodels_on_random_p_values():
    rng = np.random.default_rng(4)
    p = np.concatenate([rng.uniform(size=30), rng.uniform(0, 0.01, size=10)])
    assert np.allclose(benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1])
    assert np.allclose(holm(p), multipletests(p, method="holm")[1])


def test_nan_p_values_are_not_counted_as_tests():
    q = benjamini_hochberg([0.01, np.nan, 0.02])
    assert np.isnan(q[1])
    assert np.allclose(q[[0, 2]], multipletests([0.01, 0.02], method="fdr_bh")[1])
    assert np.isnan(holm([np.nan])).all()
