"""Pair level: a planted distance effect is recovered; Mantel test and VIF against hand-checkable cases."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dsanalysis.stats.collinearity import variance_inflation
from dsanalysis.stats.mantel import mantel_test
from dsanalysis.stats.pair_level import pair_design, pair_regression


def _planted(n: int, beta: float, rng: np.random.Generator, noise: float = 0.02):
    """Accuracy of (i, j) = 0.8 + u_i + v_j + beta |t_i - t_j| + noise; distances stored once per pair."""
    t = rng.normal(0, 1, n)
    names = [f"d{i}" for i in range(n)]
    u, v = rng.normal(0, 0.03, n), rng.normal(0, 0.03, n)
    cells = [(names[i], names[j], 0.8 + u[i] + v[j] + beta * abs(t[i] - t[j]) + rng.normal(0, noise))
             for i in range(n) for j in range(n) if i != j]
    pairs = [(names[i], names[j], "fd", abs(t[i] - t[j])) for i in range(n) for j in range(n) if i < j]
    transfer = pd.DataFrame(cells, columns=["train_dataset", "eval_dataset", "mean"])
    return transfer, pd.DataFrame(pairs, columns=["dataset_a", "dataset_b", "trait", "value"])


@pytest.mark.slow
def test_planted_distance_effect_recovered_in_sign_and_magnitude():
    beta = -0.05
    transfer, pairs = _planted(12, beta, np.random.default_rng(3))
    out = pair_regression(pair_design(transfer, pairs))
    row = out.set_index("model").loc["univariate:distance:fd"]
    assert row["method"] == "mixed" and row["n_cells"] == 132
    # coefficients are per SD of the predictor; divide by its SD for raw units
    raw_low, raw_high = row["ci_low"] / row["predictor_sd"], row["ci_high"] / row["predictor_sd"]
    assert raw_low <= beta <= raw_high
    assert row["estimate"] < 0 and row["p_value"] < 0.001


def test_planted_effect_sign_recovered_with_few_datasets():
    # 5 datasets (20 cells): magnitude is imprecise, but the sign of a strong effect must come out
    transfer, pairs = _planted(5, -0.08, np.random.default_rng(5), noise=0.01)
    row = pair_regression(pair_design(transfer, pairs)).iloc[0]
    assert row["estimate"] < 0 and row["n_datasets"] == 5


def test_two_datasets_cannot_support_a_regression_and_say_so():
    transfer, pairs = _planted(2, -0.05, np.random.default_rng(1))
    out = pair_regression(pair_design(transfer, pairs))
    assert out["estimate"].isna().all()
    assert out["note"].str.contains("too few").all()


def test_design_looks_distances_up_in_either_direction_and_adds_trait_terms():
    transfer, pairs = _planted(3, 0.0, np.random.default_rng(0))
    traits = pd.DataFrame({"dataset": ["d0", "d1", "d2"], "trait": "q", "value": [1.0, 3.0, 6.0]})
    design = pair_design(transfer, pairs, traits).set_index(["train_dataset", "eval_dataset"])
    assert design["distance:fd"].notna().all()
    assert design.loc[("d2", "d0"), "distance:fd"] == design.loc[("d0", "d2"), "distance:fd"]
    assert design.loc[("d2", "d0"), "absdiff:q"] == 5.0 and design.loc[("d2", "d0"), "train:q"] == 6.0


def test_vif_matches_one_over_one_minus_r_squared_for_two_predictors():
    rng = np.random.default_rng(2)
    a = rng.normal(size=50)
    b = 0.8 * a + rng.normal(size=50)
    out = variance_inflation(pd.DataFrame({"a": a, "b": b}), ["a", "b"]).set_index("predictor")
    r = stats.pearsonr(a, b)[0]
    assert out.loc["a", "vif"] == pytest.approx(1 / (1 - r * r))
    assert out.loc["b", "vif"] == pytest.approx(1 / (1 - r * r))
    exact = variance_inflation(pd.DataFrame({"a": a, "b": a * 2 + 1, "c": b}), ["a", "b", "c"])
    assert np.isinf(exact["vif"].iloc[0])


def test_mantel_hand_checkable_case():
    # 4 items on a line at 0, 1, 2, 4; the second matrix is the distance doubled plus one, so r = 1.
    # An exact test enumerates 4! = 24 orderings; only the identity reproduces the distance pattern
    # (the spacing 1, 1, 2 is not symmetric, so even the mirror ordering breaks it): p = 1/24.
    x = np.array([0.0, 1.0, 2.0, 4.0])
    names = list("abcd")
    d = pd.DataFrame(np.abs(x[:, None] - x[None, :]), index=names, columns=names)
    out = mantel_test(d, 2 * d + 1).iloc[0]
    assert out["r"] == pytest.approx(1.0)
    assert out["exact"] and out["n_permutations"] == 24
    assert out["p_value"] == pytest.approx(1 / 24)


def test_mantel_matches_brute_force_on_an_asymmetric_matrix():
    rng = np.random.default_rng(9)
    names = list("abcde")
    a = pd.DataFrame(rng.normal(size=(5, 5)), index=names, columns=names)
    b = pd.DataFrame(a.to_numpy() + rng.normal(size=(5, 5)), index=names, columns=names)
    off = ~np.eye(5, dtype=bool)
    observed = stats.pearsonr(a.to_numpy()[off], b.to_numpy()[off])[0]
    hits = 0
    for order in itertools.permutations(range(5)):
        p = np.array(order)
        permuted = b.to_numpy()[np.ix_(p, p)]
        hits += abs(stats.pearsonr(a.to_numpy()[off], permuted[off])[0]) >= abs(observed) - 1e-12
    out = mantel_test(a, b).iloc[0]
    assert out["r"] == pytest.approx(observed)
    assert out["p_value"] == pytest.approx(hits / 120)


def test_mantel_with_two_items_explains():
    d = pd.DataFrame([[0.0, 1.0], [1.0, 0.0]], index=["a", "b"], columns=["a", "b"])
    out = mantel_test(d, d).iloc[0]
    assert np.isnan(out["r"]) and "at least 3" in out["note"]
