"""The stored metrics of an evaluation: hand-computed cases, scipy references, group and video levels.

The metrics themselves (rule, AUC family, EER, intervals) are checked in test_detection_metrics.py."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from dsanalysis.model.metrics import detection_metrics, group_scores


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


def test_a_score_of_exactly_one_half_is_a_fake_call():
    labels = np.array(["fake", "fake", "real", "real"])
    frame = detection_metrics(labels, np.array([0.5, 0.1, 0.5, 0.9]), resamples=0)
    assert _metric(frame, "accuracy_fake")["value"] == 1.0  # the fake at 0.5 is caught
    assert _metric(frame, "accuracy_real")["value"] == 0.5  # the real at 0.5 is rejected
