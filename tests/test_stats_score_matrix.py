"""Score matrices: AUC placements against scikit-learn, bootstrap replicates against the exact weighted metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from dsanalysis.detection_metrics import auc_placements, percentile_interval, resample_counts, weighted_auc, weighted_rates
from dsanalysis.stats.ranking import image_replicates
from dsanalysis.stats.score_matrix import ScoreMatrices, ScoreMatrix


def _matrix(rng: np.random.Generator, k: int, n: int, skill: float = 1.0, decimals: int | None = None) -> ScoreMatrix:
    fake = rng.random(n) < 0.45
    signal = np.where(fake, -skill, skill)[None, :] + rng.normal(0, 1, (k, n))
    scores = 1 / (1 + np.exp(-signal))
    if decimals is not None:
        scores = np.round(scores, decimals)  # ties
    return ScoreMatrix("e", np.arange(n), fake, np.arange(k), scores)


def test_auc_and_placements_match_scikit_learn_with_ties_and_unscored_images():
    m = _matrix(np.random.default_rng(0), 5, 60, decimals=1)
    m.scores[1, 3] = np.nan
    m.scores[4, :20] = np.nan
    auc, placements = auc_placements(m.scores, m.fake)
    for row in range(5):
        scored = ~np.isnan(m.scores[row])
        expected = roc_auc_score(m.fake[scored], -m.scores[row, scored])  # fake = positive, lower score_real
        assert auc[row] == pytest.approx(expected)
        # DeLong: the AUC is the mean placement within either class
        assert np.nanmean(placements[row, m.fake & scored]) == pytest.approx(expected)
        assert np.nanmean(placements[row, ~m.fake & scored]) == pytest.approx(expected)
        assert np.isnan(placements[row, ~scored]).all()


def test_one_class_gives_undefined_auc():
    m = ScoreMatrix("e", np.arange(4), np.zeros(4, dtype=bool), np.arange(1), np.array([[0.1, 0.4, 0.6, 0.9]]))
    assert np.isnan(auc_placements(m.scores, m.fake)[0][0])


def test_matrices_from_predictions_place_every_score_and_reject_duplicates():
    predictions = pd.DataFrame({
        "run_id": ["r1", "r1", "r2", "r1"], "train_dataset": "a", "config_name": "c", "seed": [0, 0, 1, 0],
        "eval_dataset": ["a", "a", "a", "b"], "image_id": [7, 3, 3, 9], "label": ["fake", "real", "real", "fake"],
        "score_real": [0.2, 0.9, 0.8, 0.4]})
    scores = ScoreMatrices.from_predictions(predictions)
    a = scores.matrices[0]
    assert a.eval_dataset == "a" and list(a.image_ids) == [3, 7] and list(a.fake) == [False, True]
    assert list(scores.runs["run_id"].iloc[a.run_index]) == ["r1", "r2"]
    assert np.allclose(a.scores, [[0.9, 0.2], [0.8, np.nan]], equal_nan=True) and not a.complete
    assert scores.n_predictions == 4
    with pytest.raises(ValueError, match="dataset 'a': a run scored the same image twice"):
        ScoreMatrices.from_predictions(pd.concat([predictions, predictions.iloc[:1]]))
    with pytest.raises(ValueError, match="column 'label'"):
        ScoreMatrices.from_predictions(predictions.drop(columns="label"))


def test_accuracy_replicates_are_exact_and_auc_replicates_follow_the_exact_bootstrap():
    rng = np.random.default_rng(1)
    m = _matrix(rng, 3, 400, skill=0.8)
    m.scores[2, :50] = np.nan  # one run did not score every image
    counts = resample_counts(rng, 400, 2000)
    replicates = image_replicates(m, counts)
    for row in range(3):
        scored = ~np.isnan(m.scores[row])
        w = counts[:, scored]
        exact = weighted_rates(m.scores[row, scored], m.fake[scored], w)
        for metric in ("accuracy", "accuracy_fake", "accuracy_real"):
            assert np.allclose(replicates[metric][:, row], exact[metric], atol=1e-6)
        exact_auc = weighted_auc(m.scores[row, scored], m.fake[scored], w)
        linear = replicates["auc"][:, row]
        # first-order expansion: same spread and interval as the exact replicate to within Monte Carlo noise
        assert np.corrcoef(linear, exact_auc)[0, 1] > 0.98
        assert np.std(linear) == pytest.approx(np.std(exact_auc), rel=0.05)
        low, high = percentile_interval(linear)
        exact_low, exact_high = percentile_interval(exact_auc)
        assert abs(low - exact_low) < 0.01 and abs(high - exact_high) < 0.01
