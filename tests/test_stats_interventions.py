"""Controlled-subset experiments: paired arm effects (t intervals over seeds, Holm) and learning curves.

The simulations plant an arm effect (or none) in many studies at once and check what the intervals
and tests promise: the planted effect is recovered, and under no effect the 95% interval covers 0 about
95% of the time and p < 0.05 about 5% of the time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from dsanalysis.stats.interventions import CURVE_COLUMNS, EFFECT_COLUMNS, intervention_effects, learning_curves

EVAL = ("A", "B", "C")


def _simulate(n_studies: int, n_seeds: int, effect: float, rng: np.random.Generator, *, seed_sd: float = 0.03,
              cell_sd: float = 0.01, shared_sd: float = 0.02, arms: tuple[str, str] = ("low", "high"),
              kind: str = "trait") -> pd.DataFrame:
    """Scores of ``n_studies`` trait interventions on dataset A, each arm trained with ``n_seeds`` seeds and
    evaluated on A, B, C. value = base(eval) + effect [arm b] + shared seed effect (both arms: the pairing)
    + model effect (per arm x seed, shared by its evaluated datasets, SD ``seed_sd``) + cell noise."""
    n_eval = len(EVAL)
    shape = (n_studies, 2, n_seeds, n_eval)
    base = np.array([0.85, 0.62, 0.58])[None, None, None, :]
    arm_effect = np.array([0.0, effect])[None, :, None, None]
    shared = rng.normal(0, shared_sd, (n_studies, 1, n_seeds, 1))
    model = rng.normal(0, seed_sd, (n_studies, 2, n_seeds, 1))
    value = base + arm_effect + shared + model + rng.normal(0, cell_sd, shape)
    study, arm, seed, evaluated = (a.ravel() for a in np.indices(shape))
    return pd.DataFrame({"intervention": np.char.add("trait:t", study.astype(str)), "kind": kind, "dataset": "A",
                         "arm": np.array(arms)[arm], "n_per_class": 500, "seed": seed,
                         "eval_dataset": np.array(EVAL)[evaluated], "metric": "accuracy", "value": value.ravel(),
                         "learned": "true"})


def _scores(rows: list[tuple]) -> pd.DataFrame:
    """(intervention, kind, arm, seed, eval_dataset, value) rows of dataset A, accuracy, 500 per class, learned."""
    frame = pd.DataFrame(rows, columns=["intervention", "kind", "arm", "seed", "eval_dataset", "value"])
    return frame.assign(dataset="A", n_per_class=500, metric="accuracy", learned="true")


def test_a_planted_arm_effect_is_recovered():
    effect, seed_sd, cell_sd, n_seeds, n_studies = 0.1, 0.03, 0.01, 5, 1000
    scores = _simulate(n_studies, n_seeds, effect, np.random.default_rng(3), seed_sd=seed_sd, cell_sd=cell_sd)
    effects = intervention_effects(scores)
    assert list(effects.columns) == EFFECT_COLUMNS
    assert list(effects["score"][:2]) == ["in_domain", "generalization"]
    assert (effects["arm_a"] == "low").all() and (effects["arm_b"] == "high").all()
    assert (effects["n_seeds"] == n_seeds).all() and (effects["note"] == "").all()
    np.testing.assert_allclose(effects["difference"], effects["mean_b"] - effects["mean_a"], atol=1e-12)
    assert effects.loc[0, "trait"] == "t0"
    for score, n_cells in (("in_domain", 1), ("generalization", 2)):
        rows = effects[effects["score"] == score]
        assert rows["difference"].mean() == pytest.approx(effect, abs=0.005)
        covered = ((rows["ci_low"] <= effect) & (effect <= rows["ci_high"])).mean()
        assert 0.93 <= covered <= 0.97, (score, covered)
        # power to exclude 0: the noncentral t of the paired differences (the shared seed effect cancels)
        sd_difference = np.sqrt(2 * (seed_sd ** 2 + cell_sd ** 2 / n_cells))
        critical = stats.t.ppf(0.975, n_seeds - 1)
        power = stats.nct.sf(critical, n_seeds - 1, effect / (sd_difference / np.sqrt(n_seeds)))
        detected = (rows["ci_low"] > 0).mean()
        assert detected == pytest.approx(power, abs=0.04), (score, detected, power)
        assert (rows["ci_high"] > 0).all()  # never a significant effect of the wrong sign
    # one study whose interval holds the truth and excludes 0
    study = effects[effects["intervention"] == "trait:t1"]
    assert ((study["ci_low"] > 0) & (study["ci_low"] < effect) & (effect < study["ci_high"])).all()
    assert (study["p_value"] < 0.05).all()


def test_no_effect_intervals_cover_zero_at_their_level_and_tests_hold_their_size():
    n_studies = 2000
    scores = _simulate(n_studies, 3, 0.0, np.random.default_rng(11))
    effects = intervention_effects(scores)
    assert len(effects) == 2 * n_studies
    for score in ("in_domain", "generalization"):
        rows = effects[effects["score"] == score]
        coverage = ((rows["ci_low"] <= 0) & (0 <= rows["ci_high"])).mean()
        false_positive = (rows["p_value"] < 0.05).mean()
        # binomial SD at 2000 studies is 0.005: +-0.02 is 4 SDs
        assert 0.93 <= coverage <= 0.97, (score, coverage)
        assert 0.03 <= false_positive <= 0.07, (score, false_positive)
        assert coverage == pytest.approx(1 - false_positive)  # the interval and the test agree
        assert (rows["p_holm"] >= rows["p_value"]).all()


def test_interval_and_p_value_match_scipy_by_hand():
    a = [0.70, 0.74, 0.69, 0.72]
    b = [0.78, 0.77, 0.80, 0.74]
    rows = [("trait:x", "trait", arm, seed, "A", value) for arm, values in (("low", a), ("high", b))
            for seed, value in enumerate(values)]
    effect = intervention_effects(_scores(rows), confidence=0.90).iloc[0]
    d = np.subtract(b, a)
    half = stats.t.ppf(0.95, 3) * d.std(ddof=1) / np.sqrt(4)
    assert effect["difference"] == pytest.approx(d.mean())
    assert effect["ci_low"] == pytest.approx(d.mean() - half) and effect["ci_high"] == pytest.approx(d.mean() + half)
    assert effect["p_value"] == pytest.approx(stats.ttest_rel(b, a).pvalue)
    assert effect["p_value"] == pytest.approx(stats.ttest_1samp(d, 0.0).pvalue)
    assert (effect["mean_a"], effect["mean_b"]) == pytest.approx((np.mean(a), np.mean(b)))
    assert effect["score"] == "in_domain"  # one evaluated dataset: no generalization row


def test_holm_matches_statsmodels_within_score_and_metric():
    rng = np.random.default_rng(5)
    scores = pd.concat([_simulate(6, 4, effect, rng).assign(intervention=lambda f, e=effect: f["intervention"] + f"_{e}")
                        for effect in (0.0, 0.02, 0.05)], ignore_index=True)
    auc = scores.assign(metric="auc", value=scores["value"] + rng.normal(0, 0.02, len(scores)))
    effects = intervention_effects(pd.concat([scores, auc], ignore_index=True))
    assert len(effects) == 18 * 2 * 2
    for _, rows in effects.groupby(["score", "metric"]):
        assert len(rows) == 18
        expected = multipletests(rows["p_value"], method="holm")[1]
        np.testing.assert_allclose(rows["p_holm"], expected, rtol=1e-12)


def test_holm_leaves_rows_without_a_p_value_out_of_the_family():
    rows = [("trait:x", "trait", arm, seed, "A", v) for arm, values in (("low", [0.6, 0.62, 0.61]),
                                                                       ("high", [0.7, 0.69, 0.73]))
            for seed, v in enumerate(values)]
    rows += [("trait:y", "trait", arm, 0, "A", v) for arm, v in (("low", 0.6), ("high", 0.7))]  # one seed
    effects = intervention_effects(_scores(rows)).set_index("intervention")
    assert np.isnan(effects.loc["trait:y", "p_holm"])
    assert effects.loc["trait:x", "p_holm"] == pytest.approx(effects.loc["trait:x", "p_value"])


def test_single_seed_gives_an_estimate_without_an_interval():
    rows = [("trait:x", "trait", arm, 0, ev, v) for arm, vals in (("low", (0.8, 0.6)), ("high", (0.9, 0.55)))
            for ev, v in zip(("A", "B"), vals, strict=True)]
    effects = intervention_effects(_scores(rows)).set_index("score")
    assert effects.loc["in_domain", "difference"] == pytest.approx(0.1)
    assert effects.loc["generalization", "difference"] == pytest.approx(-0.05)
    for score in ("in_domain", "generalization"):
        row = effects.loc[score]
        assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"]) and np.isnan(row["p_value"])
        assert row["n_seeds"] == 1 and "single seed: no interval" in row["note"]


def test_all_nan_values_are_noted_and_nan_cells_pair_by_evaluated_dataset():
    rows = [("trait:x", "trait", arm, seed, "A", np.nan) for arm in ("low", "high") for seed in range(3)]
    effect = intervention_effects(_scores(rows)).iloc[0]
    assert effect["n_seeds"] == 0 and np.isnan(effect["difference"]) and "all values NaN" in effect["note"]

    # seed 0 of 'high' has no value on C: both arms of seed 0 average over B only
    rows = [("trait:x", "trait", arm, seed, ev, base + (0.1 if arm == "high" else 0) + 0.01 * seed)
            for arm in ("low", "high") for seed in range(3) for ev, base in (("B", 0.6), ("C", 0.7))]
    frame = _scores(rows)
    frame.loc[(frame["arm"] == "high") & (frame["seed"] == 0) & (frame["eval_dataset"] == "C"), "value"] = np.nan
    effect = intervention_effects(frame).iloc[0]
    assert effect["score"] == "generalization" and effect["difference"] == pytest.approx(0.1)
    assert effect["mean_a"] == pytest.approx(np.mean([0.6, 0.66, 0.67]))
    assert "1 of 12 values are NaN and left out" in effect["note"]


def test_runs_that_did_not_learn_are_kept_counted_and_noted():
    scores = _simulate(1, 4, 0.0, np.random.default_rng(2))
    failed = (scores["arm"] == "high") & scores["seed"].isin([1, 2])
    scores.loc[failed, "value"] = 0.5
    scores.loc[failed, "learned"] = "false"
    effects = intervention_effects(scores)
    for row in effects.itertuples():
        assert row.n_seeds == 4 and row.not_learned == 2
        assert "2 of 8 runs did not learn: the difference may reflect failed training" in row.note
    in_domain = effects[effects["score"] == "in_domain"].iloc[0]
    assert in_domain["mean_b"] == pytest.approx(scores.query("arm == 'high' and eval_dataset == 'A'")["value"].mean())


def test_diversity_makes_two_comparisons_and_a_missing_arm_skips_its_own():
    rng = np.random.default_rng(4)
    parts = [_simulate(1, 3, 0.0, rng, arms=("narrow", "diverse"), kind="diversity"),
             _simulate(1, 3, 0.0, rng, arms=("random", "x"), kind="diversity").query("arm == 'random'")]
    scores = pd.concat(parts, ignore_index=True).assign(intervention="diversity")
    effects = intervention_effects(scores)
    assert list(zip(effects["arm_a"], effects["arm_b"], effects["score"], strict=True)) == [
        ("narrow", "diverse", "in_domain"), ("narrow", "diverse", "generalization"),
        ("random", "diverse", "in_domain"), ("random", "diverse", "generalization")]
    assert set(effects["trait"]) == {"diversity"} and set(effects["kind"]) == {"diversity"}
    assert intervention_effects(scores[scores["arm"] != "diverse"]).empty  # no comparison has both arms
    named = intervention_effects(scores.assign(trait="descriptor_distance"))
    assert set(named["trait"]) == {"descriptor_distance"}  # the input's trait, where it names one
    categorical = _simulate(1, 3, 0.05, rng, arms=("concentrated", "balanced"), kind="categorical")
    row = intervention_effects(categorical).iloc[0]
    assert (row["arm_a"], row["arm_b"]) == ("concentrated", "balanced")


def test_standardized_contrast_is_the_arm_difference_over_the_parent_sd():
    scores = _simulate(1, 3, 0.0, np.random.default_rng(1))
    contrasts = pd.DataFrame({"intervention": "trait:t0", "dataset": "A", "arm": ["low", "high"],
                              "trait_mean": [0.2, 0.5], "trait_sd": [0.05, 0.06], "parent_sd": [0.15, 0.15]})
    effects = intervention_effects(scores, contrasts)
    np.testing.assert_allclose(effects["standardized_contrast"], 2.0)
    assert (effects["note"] == "").all()
    without = intervention_effects(scores, contrasts.iloc[:1])
    assert without["standardized_contrast"].isna().all()
    assert without["note"].str.contains("standardized_contrast unknown").all()
    assert intervention_effects(scores)["standardized_contrast"].isna().all()


def test_unpaired_seeds_and_unequal_sizes_are_noted():
    rows = [("trait:x", "trait", arm, seed, "A", 0.6 + 0.1 * (arm == "high") + 0.01 * seed)
            for arm in ("low", "high") for seed in range(3)]
    rows.append(("trait:x", "trait", "high", 7, "A", 0.9))
    frame = _scores(rows)
    frame.loc[frame["arm"] == "high", "n_per_class"] = 600
    effect = intervention_effects(frame).iloc[0]
    assert effect["n_seeds"] == 3 and effect["difference"] == pytest.approx(0.1)
    assert "1 seed(s) with a score in one arm only left out" in effect["note"]
    assert "the arms differ in training size (n_per_class 500 in 'low', 600 in 'high')" in effect["note"]
    assert np.isnan(effect["ci_low"]) and "same difference" in effect["note"]  # 0.1 at every seed: no spread


@pytest.mark.parametrize("column", ["seed", "learned", "eval_dataset", "value"])
def test_a_missing_column_is_named(column):
    scores = _simulate(1, 2, 0.0, np.random.default_rng(0)).drop(columns=column)
    with pytest.raises(ValueError, match=f"no column '{column}'"):
        intervention_effects(scores)
    with pytest.raises(ValueError, match=f"no column '{column}'"):
        learning_curves(scores)


def test_other_bad_input_raises_value_error():
    scores = _simulate(1, 2, 0.0, np.random.default_rng(0))
    contrasts = pd.DataFrame({"intervention": ["trait:t0"], "dataset": ["A"], "arm": ["low"], "trait_mean": [0.1]})
    with pytest.raises(ValueError, match="contrasts has no column 'trait_sd'"):
        intervention_effects(scores, contrasts)
    with pytest.raises(ValueError, match="more than one row"):
        intervention_effects(pd.concat([scores, scores.iloc[:1]]))
    with pytest.raises(ValueError, match="kind"):
        intervention_effects(scores.assign(kind="other"))
    with pytest.raises(ValueError, match="learned"):
        intervention_effects(scores.assign(learned="maybe"))
    with pytest.raises(ValueError, match="not a number"):
        intervention_effects(scores.assign(value="high"))
    with pytest.raises(ValueError, match="confidence"):
        intervention_effects(scores, confidence=95)
    with pytest.raises(ValueError, match="extrapolate_to"):
        learning_curves(scores, extrapolate_to=0.5)
    effects = intervention_effects(scores.assign(learned=True))  # booleans read as 'true'/'false'
    assert (effects["not_learned"] == 0).all()


def _size_scores(slope: float, rng: np.random.Generator, sizes=(125, 250, 500, 1000, 2000), n_seeds: int = 5,
                 noise: float = 0.01) -> pd.DataFrame:
    rows = []
    for size in sizes:
        arm = "full" if size == max(sizes) else f"fraction {size / max(sizes):g}"
        for seed in range(n_seeds):
            model = rng.normal(0, noise)
            for ev, base in (("A", 0.55), ("B", 0.50), ("C", 0.45)):
                rows.append({"intervention": "size", "kind": "size", "dataset": "A", "arm": arm, "n_per_class": size,
                             "seed": seed, "eval_dataset": ev, "metric": "accuracy",
                             "value": base + slope * np.log2(size / 125) + model, "learned": "true"})
    return pd.DataFrame(rows)


def test_learning_curve_recovers_a_planted_slope_and_marks_the_extrapolation():
    scores = _size_scores(0.04, np.random.default_rng(8))
    curves = learning_curves(scores, extrapolate_to=2.0)
    assert list(curves.columns) == CURVE_COLUMNS
    for score, rows in curves.groupby("score"):
        assert len(rows) == 6 and rows["extrapolated"].sum() == 1
        slope = rows.iloc[0]
        assert slope["slope_ci_low"] < 0.04 < slope["slope_ci_high"]
        assert slope["slope_per_doubling"] == pytest.approx(0.04, abs=0.01)
        extra = rows[rows["extrapolated"]].iloc[0]
        assert extra["n_per_class"] == 4000 and extra["n_points"] == 0 and np.isnan(extra["observed_mean"])
        assert "extrapolated to 2 x the largest size" in extra["note"]
        observed = rows[~rows["extrapolated"]]
        assert list(observed["n_per_class"]) == [125, 250, 500, 1000, 2000] and (observed["n_points"] == 5).all()
        assert (observed["ci_low"] < observed["fitted"]).all() and (observed["fitted"] < observed["ci_high"]).all()
        # the line itself, against numpy's least squares over the seed-level points
        if score == "in_domain":
            points = scores[scores["eval_dataset"] == "A"]
        else:
            points = scores[scores["eval_dataset"] != "A"].groupby(["n_per_class", "seed"])["value"].mean().reset_index()
        b, a = np.polyfit(np.log2(points["n_per_class"]), points["value"], 1)
        assert slope["slope_per_doubling"] == pytest.approx(b)
        assert extra["fitted"] == pytest.approx(a + b * np.log2(4000))
        assert extra["ci_high"] - extra["ci_low"] > (observed["ci_high"] - observed["ci_low"]).max()


def test_learning_curve_needs_three_sizes():
    scores = _size_scores(0.04, np.random.default_rng(9), sizes=(500, 1000))
    curves = learning_curves(scores, extrapolate_to=2.0)
    assert len(curves) == 4 and not curves["extrapolated"].any()
    assert curves["fitted"].isna().all() and curves["slope_per_doubling"].isna().all()
    assert curves["note"].str.contains("fewer than 3 distinct sizes").all()
    assert curves["observed_mean"].notna().all()
    assert learning_curves(_simulate(1, 2, 0.0, np.random.default_rng(0))).empty  # no size rows
    assert intervention_effects(scores).empty  # size rows make no paired comparison


def test_learning_curve_stops_at_the_score_range():
    """A steep line would pass 1 at the extrapolated size: the curve and its band are cut at 1, and the note says so."""
    scores = _size_scores(0.1, np.random.default_rng(3))  # in-domain 0.55 at 125 per class, 0.95 at 2000
    curves = learning_curves(scores, extrapolate_to=4.0)
    rows = curves[curves["score"] == "in_domain"]
    assert rows[["fitted", "ci_low", "ci_high"]].max().max() == 1.0
    extra = rows[rows["extrapolated"]].iloc[0]
    assert extra["fitted"] == 1.0 and "leaves the score range [0.0, 1.0] (at 8000 images per class)" in extra["note"]
    inside = rows[~rows["extrapolated"]]
    assert (inside["fitted"] < 1).all()  # the trained sizes stay on the line
