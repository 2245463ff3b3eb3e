"""Crossed mixed model: planted variance components and training-dataset effects are recovered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsanalysis.stats.mixed import crossed_mixed_model


def _simulate(n_eval: int, n_seed: int, rng: np.random.Generator, sd_eval=0.1, sd_seed=0.05, sd_resid=0.03):
    effects = {"a": 0.0, "b": 0.05, "c": -0.04}
    u, v = rng.normal(0, sd_eval, n_eval), rng.normal(0, sd_seed, n_seed)
    rows = [(t, f"e{e}", s, 0.7 + b + u[e] + v[s] + rng.normal(0, sd_resid))
            for t, b in effects.items() for e in range(n_eval) for s in range(n_seed)]
    return pd.DataFrame(rows, columns=["train", "eval", "seed", "acc"]), effects


@pytest.mark.slow
def test_planted_variance_components_and_effects_are_recovered():
    data, effects = _simulate(30, 20, np.random.default_rng(1))
    out = crossed_mixed_model(data, "acc", "train", ["eval", "seed"])
    variances = out[out["kind"] == "variance"].set_index("term")["estimate"]
    # the sampling SE of a variance estimated from L levels is about var * sqrt(2 / (L - 1));
    # allow 3 SE (eval: 30 levels, seed: 20 levels; residual rests on 1800 cells)
    assert variances["eval"] == pytest.approx(0.1**2, abs=3 * 0.01 * np.sqrt(2 / 29))
    assert variances["seed"] == pytest.approx(0.05**2, abs=3 * 0.0025 * np.sqrt(2 / 19))
    assert variances["residual"] == pytest.approx(0.03**2, rel=0.1)
    diffs = out[out["kind"] == "difference"].set_index("term")
    for level in ("b", "c"):
        row = diffs.loc[f"{level} - a"]
        assert row["ci_low"] <= effects[level] <= row["ci_high"]
    test = out[out["kind"] == "test"].iloc[0]
    assert test["p_value"] < 1e-6 and test["n_levels"] == 3


def test_factor_with_two_levels_becomes_fixed_and_says_so():
    data, _ = _simulate(2, 5, np.random.default_rng(2))
    out = crossed_mixed_model(data, "acc", "train", ["eval", "seed"])
    nuisance = out[out["kind"] == "fixed_nuisance"].set_index("term")
    assert "too few for a variance estimate" in nuisance.loc["eval", "note"]
    assert "seed" in set(out.loc[out["kind"] == "variance", "term"])
    means = out[out["kind"] == "mean"]
    assert means["estimate"].notna().all() and len(means) == 3


def test_single_training_dataset_reports_what_is_missing():
    data, _ = _simulate(4, 3, np.random.default_rng(3))
    out = crossed_mixed_model(data[data["train"] == "a"], "acc", "train", ["eval", "seed"])
    assert len(out) == 1 and "at least 2 levels" in out["note"].iloc[0]


def test_zero_variance_component_is_found_not_a_spurious_optimum():
    # 2 training x 2 evaluated datasets x 3 seeds (the shape of the two-dataset acceptance study);
    # seeds explain nothing here, where L-BFGS alone stops at a spurious seed variance of ~0.1.
    # With the seed variance at zero, REML's residual variance is the OLS one of value ~ train + eval.
    import statsmodels.formula.api as smf

    values = [0.52, 0.473333, 0.5, 0.5, 0.447917, 0.497917, 0.513333, 0.503333, 0.516667, 0.75, 0.783333, 0.754167]
    data = pd.DataFrame({"train": ["lfw"] * 6 + ["mesonet"] * 6, "eval": (["lfw"] * 3 + ["mesonet"] * 3) * 2,
                         "seed": [1, 2, 0] * 4, "value": values})
    out = crossed_mixed_model(data, "value", "train", ["eval", "seed"])
    variances = out[out["kind"] == "variance"].set_index("term")
    ols = smf.ols("value ~ C(train) + C(eval)", data).fit()
    assert variances.loc["seed", "estimate"] < 1e-6
    assert variances.loc["residual", "estimate"] == pytest.approx(ols.scale, rel=1e-3)
    assert "boundary" in variances.loc["seed", "note"]
    diff = out[out["kind"] == "difference"].iloc[0]
    assert diff["estimate"] == pytest.approx(ols.params["C(train)[T.mesonet]"], rel=1e-4)


def test_equal_cells_give_a_note_not_an_error():
    """Four datasets of the same images scored alike: every cell equal. The model says why it is not fitted."""
    rows = [(t, f"e{e}", s, 0.5) for t in "abcd" for e in range(4) for s in range(3)]
    out = crossed_mixed_model(pd.DataFrame(rows, columns=["train", "eval", "seed", "acc"]), "acc", "train", ["eval", "seed"])
    assert out["kind"].tolist() == ["test"] and np.isnan(out["p_value"].iloc[0])
    assert out["note"].iloc[0].startswith("every observation has the same acc (0.5)")


def test_the_ranking_of_equal_cells_writes_its_other_tables(tmp_path):
    from stats_stores import build_stats_store

    from dsanalysis.stats.analyses import Settings, run_analysis
    from dsanalysis.store import open_store

    path = tmp_path / "s.duckdb"
    build_stats_store(path, n_datasets=4, seeds=(0,), n_images=20, with_traits=False)
    with open_store(path) as store:
        store.con.execute("UPDATE predictions SET score_real = 0.7")  # every model calls every image real
        _, tables = run_analysis(store, "ranking", Settings(n_boot=100))
    assert not tables["scores"].empty and not tables["friedman"].empty
    accuracy = tables["mixed_model"][tables["mixed_model"]["metric"] == "accuracy"]
    assert accuracy["note"].iloc[0].startswith("every observation has the same value")


def test_mean_of_a_near_perfect_level_stays_within_the_scale():
    """Accuracy 0.99 for one training dataset, 0.5-0.8 for the others: the pooled residual SD makes the
    normal interval of the near-perfect mean reach past 1; on a [0, 1] scale it ends at 1."""
    rng = np.random.default_rng(5)
    rows = [(t, f"e{e}", s, float(np.clip(centre + rng.normal(0, spread), 0, 1)))
            for t, centre, spread in (("a", 0.99, 0.005), ("b", 0.65, 0.12), ("c", 0.6, 0.12))
            for e in range(4) for s in range(3)]
    data = pd.DataFrame(rows, columns=["train", "eval", "seed", "acc"])
    free = crossed_mixed_model(data, "acc", "train", ["eval", "seed"]).set_index(["kind", "term"])
    bounded = crossed_mixed_model(data, "acc", "train", ["eval", "seed"], bounds=(0.0, 1.0)).set_index(["kind", "term"])
    z = 1.959963984540054
    a_free, a = free.loc[("mean", "a")], bounded.loc[("mean", "a")]
    assert a_free["ci_high"] == pytest.approx(a_free["estimate"] + z * a_free["std_error"])
    assert a_free["ci_high"] > 1  # the unbounded normal interval leaves the scale here
    assert a["estimate"] == pytest.approx(a_free["estimate"])
    assert a["ci_low"] == pytest.approx(a_free["ci_low"]) and a["ci_high"] == 1.0
    assert "cut at 1" in a["note"]
    means = bounded.xs("mean", level="kind")
    assert ((means["ci_low"] >= 0) & (means["ci_high"] <= 1)).all()
    # intervals inside the scale are left as they are
    for level in ("b", "c"):
        assert bounded.loc[("mean", level), "ci_high"] == pytest.approx(free.loc[("mean", level), "ci_high"])
    with pytest.raises(ValueError, match="bounds"):
        crossed_mixed_model(data, "acc", "train", ["eval", "seed"], bounds=(1.0, 0.0))
