"""Detection metrics: checked against hand-computed cases, scipy and scikit-learn references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import mannwhitneyu
from sklearn.metrics import roc_auc_score

from dsanalysis.model.metrics import (_auc_by_ranks, bootstrap_intervals, detection_metrics, equal_error_rate,
                                      group_scores, tpr_at_fpr)


def _metric(frame, name):
    return frame.set_index("metric").loc[name]


def test_hand_computed_case():
    # 4 fakes, 4 reals; score_real > 0.5 means predicted real
    labels = np.array(["fake"] * 4 + ["real"] * 4)
    score_real = np.array([0.1, 0.2, 0.3, 0.8, 0.6, 0.7, 0.9, 0.4])
    frame = detection_metrics(labels, score_real, resamples=0)
    assert _metric(frame, "accuracy_fake")["value"] == pytest.approx(3 / 4)  # 0.8 is a missed fake
    assert _metric(frame, "accuracy_real")["value"] == pytest.approx(3 / 4)  # 0.4 is a rejected real
    assert _metric(frame, "accuracy")["value"] == pytest.approx(6 / 8)
    assert _metric(frame, "balanced_accuracy")["value"] == pytest.approx(0.75)
    # AUC with fake positive: pairs (fake, real) where the fake has the lower score_real: 16 - 2 discordant
    # fake 0.8 is above reals 0.6, 0.7 and 0.4 (3 pairs lost); real 0.4 is below fakes 0.8 only -> 13/16
    fake_scores, real_scores = score_real[:4], score_real[4:]
    wins = sum(f < r for f in fake_scores for r in real_scores)
    assert _metric(frame, "auc")["value"] == pytest.approx(wins / 16)
    assert _metric(frame, "n_images")["value"] == 8 and _metric(frame, "n_fake")["value"] == 4
    brier = np.mean(((labels == "fake") - (1 - score_real)) ** 2)
    assert _metric(frame, "brier")["value"] == pytest.approx(brier)
    log_loss = -np.mean(np.where(labels == "real", np.log(score_real), np.log(1 - score_real)))
    assert _metric(frame, "log_loss")["value"] == pytest.approx(log_loss)


def test_auc_matches_mann_whitney_and_fake_is_positive():
    rng = np.random.default_rng(3)
    labels = np.array(["fake"] * 60 + ["real"] * 40)
    score_real = np.clip(rng.normal(np.where(labels == "real", 0.6, 0.4), 0.2), 0, 1)
    frame = detection_metrics(labels, score_real, resamples=0)
    u = mannwhitneyu(1 - score_real[labels == "fake"], 1 - score_real[labels == "real"]).statistic
    assert _metric(frame, "auc")["value"] == pytest.approx(u / (60 * 40))
    # a detector that scores fakes as real gets an AUC below 0.5, not above
    inverted = detection_metrics(labels, 1 - score_real, resamples=0)
    assert _metric(inverted, "auc")["value"] == pytest.approx(1 - u / (60 * 40))


def test_equal_error_rate_and_tpr_at_fpr_hand_cases():
    is_fake = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    separable = np.array([0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1])
    assert equal_error_rate(is_fake, separable) == pytest.approx(0.0)
    assert tpr_at_fpr(is_fake, separable, 0.01) == pytest.approx(1.0)
    # one real above every fake: at FPR 0 no fake is caught; at FPR 1/4 all are
    one_off = np.array([0.9, 0.8, 0.7, 0.6, 0.95, 0.3, 0.2, 0.1])
    assert tpr_at_fpr(is_fake, one_off, 0.10) == pytest.approx(0.0)
    assert tpr_at_fpr(is_fake, one_off, 0.25) == pytest.approx(1.0)
    # the ROC goes (0,0) -> (0.25,0) -> (0.25,1): FNR = FPR where FNR falls from 1 to 0 at FPR 0.25
    assert equal_error_rate(is_fake, one_off) == pytest.approx(0.25)
    # chance-level scores: EER 0.5
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 20000)
    assert equal_error_rate(labels, rng.random(20000)) == pytest.approx(0.5, abs=0.02)


def test_vectorised_bootstrap_auc_matches_sklearn_with_ties():
    rng = np.random.default_rng(1)
    scores = np.round(rng.random((5, 30)), 1)  # many ties
    is_fake = np.zeros((5, 30), dtype=bool)
    is_fake[:, :12] = True
    expected = [roc_auc_score(is_fake[i], scores[i]) for i in range(5)]
    assert _auc_by_ranks(scores, is_fake) == pytest.approx(expected)


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


def test_group_scores_average_per_group_and_label():
    import pandas as pd

    frame = pd.DataFrame({"group_id": ["v1", "v1", "v2", None], "label": ["fake", "fake", "real", "real"],
                          "score_real": [0.2, 0.4, 0.9, 0.1]})
    groups = group_scores(frame).set_index("group_id")
    assert groups.loc["v1", "score_real"] == pytest.approx(0.3) and groups.loc["v1", "n_images"] == 2
    assert len(groups) == 2  # the image without a group is left out


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="both 'real' and 'fake'"):
        detection_metrics(np.array(["real", "real"]), np.array([0.2, 0.9]))


def test_group_level_metrics_average_scores_per_video():
    import pandas as pd

    from dsanalysis.model.evaluation import evaluation_metrics_frame

    # 2 fake videos, 2 real videos, 3 frames each; one frame of fake video f1 fools the detector,
    # but its video's mean score stays fake
    chosen = pd.DataFrame({"image_id": range(12), "label": ["fake"] * 6 + ["real"] * 6,
                           "group_id": ["f1"] * 3 + ["f2"] * 3 + ["r1"] * 3 + ["r2"] * 3})
    scores = np.array([0.9, 0.1, 0.1, 0.2, 0.2, 0.2, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7])
    frame = evaluation_metrics_frame(chosen, scores, resamples=0, seed=0).set_index(["level", "metric"])
    assert frame.loc[("image", "accuracy"), "value"] == pytest.approx(11 / 12)
    assert frame.loc[("group", "accuracy"), "value"] == pytest.approx(1.0)
    assert frame.loc[("group", "n_images"), "value"] == 4 and frame.loc[("image", "n_images"), "value"] == 12
    no_groups = evaluation_metrics_frame(chosen.assign(group_id=None), scores, resamples=0, seed=0)
    assert set(no_groups["level"]) == {"image"}
