"""The detection-metrics core: the decision rule, rates, the AUC family, AP/EER and intervals against
independent references (scikit-learn, statsmodels, hand counts with ties), and the agreement of the stored
``metrics`` of an evaluation with the statistics' recomputation from its stored predictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from dsanalysis.detection_metrics import (THRESHOLD, auc, auc_placements, bootstrap_intervals, correct_calls,
                                          equal_error_rate, is_fake, is_real, percentile_interval, predicted_labels,
                                          resample_counts, tpr_at_fpr, weighted_auc, weighted_rates, wilson_interval)

# --- the decision rule -------------------------------------------------------------------------------------


def test_exactly_one_half_is_a_fake_call_and_unscored_is_no_call():
    scores = np.array([0.0, 0.4999999, 0.5, 0.5000001, 1.0, np.nan])
    assert THRESHOLD == 0.5
    # Keras' BinaryAccuracy (the training history's accuracy) predicts class 1 (real) when y_pred > 0.5
    assert is_real(scores).tolist() == [False, False, False, True, True, False]
    assert predicted_labels(scores[:5]).tolist() == ["fake", "fake", "fake", "real", "real"]
    assert bool(is_real(0.5)) is False and str(predicted_labels(0.75)) == "real"
    assert is_real(scores, threshold=0.4).tolist() == [False, True, True, True, True, False]


def test_every_consumer_calls_one_half_fake():
    from dsanalysis.model.metrics import detection_metrics
    from dsanalysis.model.predict import verdict

    assert verdict(0.5) == "fake" and verdict(0.51) == "real"
    labels = np.array(["fake", "real", "fake", "real"])
    frame = detection_metrics(labels, np.array([0.5, 0.5, 0.2, 0.9]), resamples=0).set_index("metric")["value"]
    assert frame["accuracy_fake"] == 1.0 and frame["accuracy_real"] == 0.5 and frame["accuracy"] == 0.75


def test_labels_other_than_real_or_fake_are_refused():
    assert is_fake(["real", "fake"]).tolist() == [False, True]
    with pytest.raises(ValueError, match="'df'"):
        is_fake(["real", "df"])


def test_correct_calls_by_row_and_unscored_images():
    fake = np.array([True, True, False, False])
    scores = np.array([[0.5, 0.9, 0.5, 0.7], [0.1, np.nan, 0.6, 0.2]])
    assert correct_calls(scores, fake).tolist() == [[True, False, False, True], [True, False, True, False]]


# --- rates -------------------------------------------------------------------------------------------------


def test_rates_by_hand_with_a_score_at_the_threshold():
    # fakes 0.1, 0.5 (called fake), 0.7 (called real); reals 0.5 (called fake), 0.8, 0.9
    fake = np.array([True, True, True, False, False, False])
    score = np.array([0.1, 0.5, 0.7, 0.5, 0.8, 0.9])
    rates = weighted_rates(score, fake)
    assert rates["accuracy"] == pytest.approx(4 / 6)
    assert rates["accuracy_fake"] == pytest.approx(2 / 3) and rates["fnr"] == pytest.approx(1 / 3)
    assert rates["accuracy_real"] == pytest.approx(2 / 3) and rates["fpr"] == pytest.approx(1 / 3)
    assert np.shape(rates["accuracy"]) == ()


def test_rates_shapes_weights_and_unscored_images():
    rng = np.random.default_rng(0)
    fake = rng.random(30) < 0.5
    scores = np.round(rng.random((4, 30)), 1)  # some exactly 0.5
    scores[2, :5] = np.nan
    counts = rng.integers(0, 3, size=(6, 30))
    both = weighted_rates(scores, fake, counts)
    assert both["accuracy"].shape == (6, 4)
    assert weighted_rates(scores, fake)["accuracy"].shape == (4,)
    assert weighted_rates(scores[0], fake, counts)["accuracy"].shape == (6,)
    for b in range(6):
        for k in range(4):
            scored = ~np.isnan(scores[k])
            s, f = np.repeat(scores[k, scored], counts[b, scored]), np.repeat(fake[scored], counts[b, scored])
            called_real = s > 0.5  # the rule, written out
            assert both["accuracy"][b, k] == pytest.approx(np.mean(called_real != f))
            assert both["accuracy_fake"][b, k] == pytest.approx(np.mean(~called_real[f]))
            assert both["accuracy_real"][b, k] == pytest.approx(np.mean(called_real[~f]))
    # float32 weights keep their dtype (big bootstraps), integer weights run in float64
    assert weighted_rates(scores, fake, counts.astype(np.float32))["accuracy"].dtype == np.float32
    one_class = weighted_rates(np.array([0.2, 0.9]), np.array([False, False]))
    assert np.isnan(one_class["accuracy_fake"]) and one_class["accuracy_real"] == 0.5


# --- the AUC family ----------------------------------------------------------------------------------------


def test_auc_hand_case_with_ties():
    # fakes 0.2, 0.5, 0.5; reals 0.5, 0.8. Pairs where the fake scores lower on score_real:
    # 0.2 < 0.5, 0.2 < 0.8, 0.5 < 0.8 (twice) = 4, and the two 0.5 - 0.5 ties count one half each: 5 / 6
    fake = np.array([True, True, True, False, False])
    score = np.array([0.2, 0.5, 0.5, 0.5, 0.8])
    assert auc(score, fake) == pytest.approx(5 / 6)
    assert weighted_auc(score, fake) == pytest.approx(5 / 6)
    assert roc_auc_score(fake, -score) == pytest.approx(5 / 6)
    got, placements = auc_placements(score[None, :], fake)
    assert got[0] == pytest.approx(5 / 6)
    # placements: a fake's share of reals scored more real (ties one half); a real's share of fakes scored less
    assert placements[0].tolist() == pytest.approx([1.0, 0.75, 0.75, 2 / 3, 1.0])
    # a detector that calls fakes real has an AUC below one half, not above
    assert auc(1.0 - score, fake) == pytest.approx(1 / 6)
    assert np.isnan(auc(score[:3], fake[:3]))


def test_the_three_auc_forms_agree_with_scikit_learn_on_ties_and_unscored_images():
    rng = np.random.default_rng(2)
    fake = rng.random(50) < 0.4
    scores = np.round(rng.random((6, 50)), 1)  # many ties
    scores[3, 10:20] = np.nan
    row_auc, _ = auc_placements(scores, fake)
    for k in range(6):
        scored = ~np.isnan(scores[k])
        expected = roc_auc_score(fake[scored], 1.0 - scores[k, scored])
        assert row_auc[k] == pytest.approx(expected, abs=1e-12)
        assert auc(scores[k, scored], fake[scored]) == pytest.approx(expected, abs=1e-12)
        # an unscored image is an image of weight zero
        assert weighted_auc(np.nan_to_num(scores[k]), fake, scored.astype(float)) == pytest.approx(expected, abs=1e-12)


def test_weighted_auc_is_the_auc_of_the_repeated_images():
    rng = np.random.default_rng(1)
    score = np.round(rng.uniform(size=40), 1)
    fake = rng.random(40) < 0.5
    weights = rng.integers(0, 4, size=(5, 40))
    got = weighted_auc(score, fake, weights)
    for b in range(5):
        assert got[b] == pytest.approx(roc_auc_score(np.repeat(fake, weights[b]), -np.repeat(score, weights[b])))
    assert np.isnan(weighted_auc(score, fake, np.where(fake, 0.0, 1.0)))


# --- threshold-free curve metrics --------------------------------------------------------------------------


def test_equal_error_rate_and_tpr_at_fpr_hand_cases():
    positive = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    separable = np.array([0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1])
    assert equal_error_rate(positive, separable) == pytest.approx(0.0)
    assert tpr_at_fpr(positive, separable, 0.01) == pytest.approx(1.0)
    # one real above every fake: at FPR 0 no fake is caught; at FPR 1/4 all are
    one_off = np.array([0.9, 0.8, 0.7, 0.6, 0.95, 0.3, 0.2, 0.1])
    assert tpr_at_fpr(positive, one_off, 0.10) == pytest.approx(0.0)
    assert tpr_at_fpr(positive, one_off, 0.25) == pytest.approx(1.0)
    # the ROC goes (0,0) -> (0.25,0) -> (0.25,1): FNR = FPR where FNR falls from 1 to 0 at FPR 0.25
    assert equal_error_rate(positive, one_off) == pytest.approx(0.25)
    # chance-level scores: EER 0.5
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 20000)
    assert equal_error_rate(labels, rng.random(20000)) == pytest.approx(0.5, abs=0.02)


# --- intervals ---------------------------------------------------------------------------------------------


def test_percentile_interval_matches_numpy_and_ignores_nan_replicates():
    rng = np.random.default_rng(4)
    samples = rng.normal(size=1001)
    low, high = percentile_interval(samples, 0.9)
    assert (low, high) == pytest.approx((np.percentile(samples, 5), np.percentile(samples, 95)))
    with_nan = np.r_[samples, np.nan, np.nan]
    assert percentile_interval(with_nan, 0.9) == pytest.approx((low, high))
    assert np.isnan(percentile_interval(np.full(3, np.nan))[0])


def test_wilson_interval_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for k, n in ((0, 10), (3, 10), (10, 10), (57, 200)):
        assert tuple(map(float, wilson_interval(k, n, 0.9))) == pytest.approx(proportion_confint(k, n, 0.1, "wilson"))


def test_resample_counts_follow_the_multinomial():
    counts = resample_counts(np.random.default_rng(3), 5, 100_000)
    assert (counts.sum(axis=1) == 5).all()
    # multinomial(5, 1/5 each): mean 1, variance 4/5, covariance -1/5
    assert np.allclose(counts.mean(axis=0), 1.0, atol=0.01)
    assert np.allclose(counts.var(axis=0), 0.8, atol=0.015)
    assert np.cov(counts[:, 0], counts[:, 1])[0, 1] == pytest.approx(-0.2, abs=0.01)


def test_bootstrap_intervals_resample_within_class_as_drawn_images():
    rng = np.random.default_rng(8)
    labels = np.array(["fake"] * 25 + ["real"] * 35)
    score_real = np.round(np.clip(rng.normal(np.where(labels == "real", 0.6, 0.4), 0.2), 0, 1), 1)  # ties, 0.5s
    got = bootstrap_intervals(labels, score_real, resamples=200, seed=3)
    # the same draws, scored image by image with scikit-learn and the rule written out
    draw = np.random.default_rng(3)
    fake_at, real_at = np.flatnonzero(labels == "fake"), np.flatnonzero(labels == "real")
    picks = np.concatenate([draw.choice(fake_at, (200, 25)), draw.choice(real_at, (200, 35))], axis=1)
    fake = labels[picks] == "fake"
    accuracy = ((score_real[picks] > 0.5) != fake).mean(axis=1)
    aucs = [roc_auc_score(fake[b], 1.0 - score_real[picks[b]]) for b in range(200)]
    assert got["accuracy"] == pytest.approx((np.percentile(accuracy, 2.5), np.percentile(accuracy, 97.5)))
    assert got["auc"] == pytest.approx((np.percentile(aucs, 2.5), np.percentile(aucs, 97.5)))


def test_bootstrap_intervals_are_seeded_and_cover_the_truth():
    rng = np.random.default_rng(7)
    labels = np.array(["fake"] * 200 + ["real"] * 200)
    # planted accuracy 0.8: each image is on the right side of 0.5 with probability 0.8
    right = rng.random(400) < 0.8
    score_real = np.where((labels == "real") == right, 0.7, 0.3)
    a = bootstrap_intervals(labels, score_real, resamples=500, seed=5)
    b = bootstrap_intervals(labels, score_real, resamples=500, seed=5)
    assert a == b
    low, high = a["accuracy"]
    observed = right.mean()
    assert low < observed < high
    # the normal-approximation interval of a proportion has about the same width
    assert high - low == pytest.approx(2 * 1.96 * np.sqrt(observed * (1 - observed) / 400), rel=0.2)
    assert bootstrap_intervals(labels, score_real, resamples=500, seed=6) != a


# --- stored metrics and the statistics agree ---------------------------------------------------------------


def test_stored_metrics_equal_the_statistics_recomputation_from_stored_predictions(tmp_path):
    from stats_stores import build_stats_store

    from dsanalysis.model.evaluation import store_evaluation
    from dsanalysis.stats.inputs import study_inputs
    from dsanalysis.store import open_store

    path = tmp_path / "results.duckdb"
    build_stats_store(path, n_datasets=2, seeds=(0, 1), n_images=40, with_traits=False, with_predictions=False)
    rng = np.random.default_rng(11)
    with open_store(path) as store:
        images = store.con.execute("SELECT image_id, dataset, label, group_id FROM images ORDER BY image_id").df()
        runs = store.con.execute("SELECT run_id FROM runs ORDER BY run_id").df()["run_id"].tolist()
        for run_id in runs:
            for dataset, chosen in images.groupby("dataset"):
                chosen = chosen.reset_index(drop=True)
                signal = np.where(chosen["label"] == "real", 0.15, -0.15)
                scores = np.round(np.clip(0.5 + signal + rng.normal(0, 0.2, len(chosen)), 0, 1), 1)  # ties
                scores[:4] = 0.5  # two real and two fake images scored exactly at the threshold
                store_evaluation(store, {"run_id": run_id}, dataset, "test", None, chosen, scores, "nearest",
                                 resamples=0, seed=0, seconds=0.0)
        stored = store.query("stats_metrics")
        inputs = study_inputs(store)
        predictions = inputs.predictions  # read while the store is open
    assert inputs.cell_source == "predictions"
    keys = ["run_id", "eval_dataset", "metric"]
    merged = inputs.cells.merge(stored, on=keys, suffixes=("_stats", "_stored"), validate="one_to_one")
    assert len(merged) == len(runs) * 2 * 4  # accuracy, accuracy_fake, accuracy_real, auc per cell
    assert merged["value_stats"].to_numpy() == pytest.approx(merged["value_stored"].to_numpy(), abs=1e-12)
    # n: images behind the value; the stored table gives every metric the images of the evaluation
    whole = merged["metric"].isin(["accuracy", "auc"])
    assert (merged.loc[whole, "n_stats"] == merged.loc[whole, "n_stored"]).all()
    # the 0.5 scores matter: counted as real calls, the accuracies would differ
    fake = predictions["label"] == "fake"
    other_rule = ((predictions["score_real"] >= 0.5) != fake).groupby([predictions["run_id"], predictions["eval_dataset"]]).mean()
    accuracy = merged[merged["metric"] == "accuracy"].set_index(["run_id", "eval_dataset"])["value_stored"]
    assert not np.allclose(accuracy.sort_index().to_numpy(), other_rule.sort_index().to_numpy())
    assert (predictions["score_real"] == 0.5).sum() >= len(runs) * 2 * 4
