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


def _null_study(k: int, rng: np.random.Generator, n_traits: int = 1) -> pd.DataFrame:
    """Cells at chance with training- and test-dataset effects; a distance and ``n_traits`` dataset traits
    drawn independently of the scores (no true effect)."""
    names = [f"d{i}" for i in range(k)]
    u, v = rng.normal(0, 0.03, k), rng.normal(0, 0.03, k)
    cells = pd.DataFrame([(names[i], names[j], 0.5 + u[i] + v[j] + rng.normal(0, 0.02))
                          for i in range(k) for j in range(k) if i != j],
                         columns=["train_dataset", "eval_dataset", "mean"])
    point = rng.normal(size=k)
    pairs = pd.DataFrame([(names[i], names[j], "fd", abs(point[i] - point[j]))
                          for i in range(k) for j in range(k) if i < j],
                         columns=["dataset_a", "dataset_b", "trait", "value"])
    traits = pd.DataFrame([(names[i], f"t{m}", rng.normal()) for i in range(k) for m in range(n_traits)],
                          columns=["dataset", "trait", "value"])
    return pair_design(cells, pairs, traits)


def _cell_matrix(design: pd.DataFrame, column: str, names: list[str]) -> np.ndarray:
    matrix = np.full((len(names), len(names)), np.nan)
    index = {n: i for i, n in enumerate(names)}
    for row in design.itertuples(index=False):
        matrix[index[row.train_dataset], index[row.eval_dataset]] = getattr(row, column)
    return matrix


def test_univariate_p_value_is_the_exact_dataset_permutation_p():
    # the p-value of record relabels the 5 datasets of the predictor in all 120 ways (the same
    # relabelling of its rows and columns), counting arrangements that fit the scores at least as well
    transfer, pairs = _planted(5, -0.08, np.random.default_rng(5), noise=0.01)
    design = pair_design(transfer, pairs)
    row = pair_regression(design).set_index("model").loc["univariate:distance:fd"]
    names = [f"d{i}" for i in range(5)]
    x = _cell_matrix(design.rename(columns={"distance:fd": "x"}), "x", names)
    y = _cell_matrix(design, "score", names)
    off = ~np.eye(5, dtype=bool)
    observed = abs(stats.pearsonr(x[off], y[off])[0])
    hits = sum(abs(stats.pearsonr(x[np.ix_(p, p)][off], y[off])[0]) >= observed - 1e-12
               for p in map(list, itertools.permutations(range(5))))
    assert row["p_value"] == pytest.approx(hits / 120)
    assert row["p_floor"] == pytest.approx(1 / 120) and row["n_permutations"] == 120


def test_joint_p_value_is_a_freedman_lane_dataset_permutation_p():
    import statsmodels.api as sm

    rng = np.random.default_rng(12)
    design = _null_study(5, rng, n_traits=1)[["train_dataset", "eval_dataset", "score", "distance:fd", "train:t0"]]
    design["score"] += 0.02 * design["train:t0"]  # something to find
    out = pair_regression(design, ["distance:fd", "train:t0"], method="ols_cluster2")
    joint = out[out["model"] == "joint"].set_index("term")
    names = [f"d{i}" for i in range(5)]
    off = ~np.eye(5, dtype=bool)
    z = design[["distance:fd", "train:t0"]]
    z = (z - z.mean()) / z.std(ddof=1)
    for focal, other in (("distance:fd", "train:t0"), ("train:t0", "distance:fd")):
        reduced = sm.OLS(design["score"], sm.add_constant(z[[other]])).fit()
        residual = _cell_matrix(design.assign(e=reduced.resid), "e", names)
        fitted = _cell_matrix(design.assign(f=reduced.fittedvalues), "f", names)
        full = sm.add_constant(z[[focal, other]])
        order = _cell_matrix(design.assign(k=np.arange(len(design))), "k", names)[off].astype(int)

        def t_value(perm: list[int]) -> float:
            y = (fitted + residual[np.ix_(perm, perm)])[off]
            y_by_row = np.empty(len(design))
            y_by_row[order] = y
            return abs(sm.OLS(y_by_row, full).fit().tvalues[focal])

        observed = t_value(list(range(5)))
        hits = sum(t_value(list(p)) >= observed * (1 - 1e-9) for p in itertools.permutations(range(5)))
        assert joint.loc[focal, "p_value"] == pytest.approx(hits / 120), focal
        assert joint.loc[focal, "p_floor"] == pytest.approx(1 / 120)


def test_no_pair_level_p_value_below_what_four_datasets_can_attain():
    # 4 datasets at chance, 30 unrelated traits: 61 predictors from 12 dependent cells. Permuting the
    # labels of 4 datasets gives 24 arrangements, so no honest p-value is below 1/24 = 0.042
    design = _null_study(4, np.random.default_rng(0), n_traits=30)
    out = pair_regression(design, method="ols_cluster2")
    tested = out[out["p_value"].notna()]
    assert len(tested) >= 60
    assert (tested["p_value"] >= 1 / 24 - 1e-12).all()
    assert np.allclose(tested["p_floor"], 1 / 24) and (tested["n_permutations"] == 24).all()
    assert (tested["q_value"] >= tested["p_value"] - 1e-12).all()
    at_floor = tested[np.isclose(tested["p_value"], 1 / 24)]
    assert at_floor["note"].str.contains("smallest p-value 4 datasets allow").all()


def test_interval_uses_few_dataset_degrees_of_freedom():
    # the Wald interval takes the t quantile on (datasets - 1) degrees of freedom, not the normal one
    row = pair_regression(_null_study(5, np.random.default_rng(4)), ["distance:fd"]).iloc[0]
    half = stats.t.ppf(0.975, 4) * row["std_error"]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((row["estimate"] - half, row["estimate"] + half))


@pytest.mark.parametrize("k", [4, 5])
def test_no_effect_false_positive_rate_is_at_the_nominal_level(k):
    # a small replicate of tests/benchmarks/bench_pair_null.py: 80 studies x 3 predictors with no true
    # effect. The exact permutation test rejects at most 5% in expectation (4 datasets: 1/24 = 4.2%,
    # 5 datasets: about 5%); binomial SE over 240 tests is 0.014, so 0.05 + 3 SE = 0.092 bounds the rate.
    # (The least-squares Wald p-values with two-way clustered errors rejected 16-19% of these tests.)
    rng = np.random.default_rng(100 + k)
    p = np.concatenate([pair_regression(_null_study(k, rng), method="ols_cluster2", seed=s)
                        .query("model != 'joint'")["p_value"].to_numpy() for s in range(80)])
    assert len(p) == 240 and not np.isnan(p).any()
    rate = np.mean(p <= 0.05)
    assert 0.005 <= rate <= 0.092, rate
