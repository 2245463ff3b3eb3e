"""Ranking: per-cell metrics against scikit-learn, score averaging by hand, bootstrap behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, roc_auc_score

from dsanalysis.detection_metrics import weighted_auc
from dsanalysis.stats.ranking import cell_scores, dataset_scores, transfer_matrix


def _predictions(rng: np.random.Generator, runs: list[tuple[str, str, int]], evals: list[str], n: int = 80,
                 skill: float = 1.0) -> pd.DataFrame:
    frames = []
    for train, config, seed in runs:
        for j, evaluated in enumerate(evals):
            label = np.where(np.arange(n) % 2 == 0, "real", "fake")
            signal = np.where(label == "real", skill, -skill) + rng.normal(0, 1, n)
            frames.append(pd.DataFrame({"run_id": f"{train}/{config}/{seed}", "train_dataset": train, "config_name": config,
                                        "seed": seed, "eval_dataset": evaluated, "image_id": j * 1000 + np.arange(n),
                                        "label": label, "score_real": 1 / (1 + np.exp(-signal))}))
    return pd.concat(frames, ignore_index=True)


def test_cell_metrics_match_scikit_learn_with_fake_as_positive():
    preds = _predictions(np.random.default_rng(0), [("a", "c", 0)], ["a"], n=101)
    preds.loc[preds.index[:5], "score_real"] = 0.5  # scores at the threshold are fake calls
    cells = cell_scores(preds).set_index("metric")["value"]
    real = preds["label"] == "real"
    called_real = preds["score_real"] > 0.5
    assert cells["accuracy"] == pytest.approx(accuracy_score(real, called_real))
    assert cells["accuracy_real"] == pytest.approx(called_real[real].mean())
    assert cells["accuracy_fake"] == pytest.approx((~called_real[~real]).mean())
    assert cells["auc"] == pytest.approx(roc_auc_score(~real, -preds["score_real"]))


def test_weighted_auc_equals_auc_of_replicated_images_with_ties():
    rng = np.random.default_rng(1)
    score = np.round(rng.uniform(size=40), 1)  # many ties
    fake = rng.random(40) < 0.5
    weights = rng.integers(0, 4, size=(5, 40))
    got = weighted_auc(score, fake, weights)
    for b in range(5):
        expected = roc_auc_score(np.repeat(fake, weights[b]), -np.repeat(score, weights[b]))
        assert got[b] == pytest.approx(expected)


def _cells(values: dict[tuple[str, str, int, str], float]) -> pd.DataFrame:
    rows = [{"run_id": f"{t}/{c}/{s}", "train_dataset": t, "config_name": c, "seed": s, "eval_dataset": e,
             "metric": "accuracy", "value": v, "n": 100} for (t, c, s, e), v in values.items()]
    return pd.DataFrame(rows)


def test_in_domain_and_generalization_averages_by_hand():
    values = {}
    for seed, shift in ((0, 0.0), (1, 0.1)):
        values.update({("a", "c1", seed, "a"): 0.9 + shift, ("a", "c1", seed, "b"): 0.6 + shift, ("a", "c1", seed, "c"): 0.5,
                       ("b", "c1", seed, "a"): 0.7, ("b", "c1", seed, "b"): 0.8, ("b", "c1", seed, "c"): 0.4 + shift})
    # a second configuration for 'a' with one seed: configurations weigh equally, not by run count
    values.update({("a", "c2", 0, "a"): 0.7, ("a", "c2", 0, "b"): 0.3, ("a", "c2", 0, "c"): 0.3})
    out = dataset_scores(_cells(values), n_boot=200, metrics=("accuracy",)).set_index(["train_dataset", "scope"])
    # a: in-domain = mean(c1: 0.95, c2: 0.7) = 0.825; generalization = mean over b, c of config means
    # b: (0.65 + 0.3) / 2 = 0.475, c: (0.5 + 0.3) / 2 = 0.4  ->  0.4375
    assert out.loc[("a", "in_domain"), "estimate"] == pytest.approx(0.825)
    assert out.loc[("a", "generalization"), "estimate"] == pytest.approx(0.4375)
    assert out.loc[("b", "generalization"), "estimate"] == pytest.approx((0.7 + 0.45) / 2)
    assert out.loc[("b", "generalization"), "rank"] == 1 and out.loc[("a", "generalization"), "rank"] == 2
    assert out.loc[("a", "in_domain"), "n_configs"] == 2 and out.loc[("a", "in_domain"), "n_runs"] == 3
    assert "single seed" in out.loc[("a", "in_domain"), "note"]  # c2 has one seed
    assert "trials only" in out.loc[("a", "in_domain"), "note"]


def test_bootstrap_resamples_images_and_trials():
    rng = np.random.default_rng(2)
    runs = [("a", "c", s) for s in range(3)] + [("b", "c", s) for s in range(3)]
    preds = _predictions(rng, runs, ["a", "b"], n=200)
    cells = cell_scores(preds)
    with_images = dataset_scores(cells, preds, n_boot=300, seed=1)
    trials_only = dataset_scores(cells, None, n_boot=300, seed=1)
    key = ["train_dataset", "metric", "scope"]
    joined = with_images.merge(trials_only, on=key, suffixes=("_img", "_trial"))
    assert np.allclose(joined["estimate_img"], joined["estimate_trial"])
    width_img = joined["ci_high_img"] - joined["ci_low_img"]
    width_trial = joined["ci_high_trial"] - joined["ci_low_trial"]
    assert (width_img > width_trial).all()  # adding image resampling widens every interval
    assert ((joined["ci_low_img"] <= joined["estimate_img"]) & (joined["estimate_img"] <= joined["ci_high_img"])).all()
    # the percentile interval of a 200-image accuracy is about +-2 binomial SE wide at least
    acc = joined[(joined["metric"] == "accuracy") & (joined["scope"] == "in_domain")].iloc[0]
    se = np.sqrt(acc["estimate_img"] * (1 - acc["estimate_img"]) / 200 / 3)
    assert acc["ci_high_img"] - acc["ci_low_img"] > 2 * 1.96 * se * 0.8


def test_transfer_matrix_summarises_runs():
    values = {("a", "c", 0, "b"): 0.6, ("a", "c", 1, "b"): 0.8}
    row = transfer_matrix(_cells(values)).iloc[0]
    assert row["mean"] == pytest.approx(0.7) and row["sd"] == pytest.approx(np.std([0.6, 0.8], ddof=1))
    assert row["n_runs"] == 2


def _near_perfect(n_per_class: int, confused: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(fake, score_real) of a near-perfect classifier: every image well on its side of 0.5 except ``confused``
    fakes scored just above ``confused`` reals (AUC = 1 - confused**2 / n_per_class**2)."""
    fake = np.arange(2 * n_per_class) % 2 == 0
    score = np.where(fake, 0.1, 0.9) + rng.uniform(-0.05, 0.05, 2 * n_per_class)
    score[np.flatnonzero(fake)[:confused]] = 0.55 + rng.uniform(0, 0.01, confused)
    score[np.flatnonzero(~fake)[:confused]] = 0.45 + rng.uniform(0, 0.01, confused)
    return fake, score


def test_auc_replicates_of_a_near_perfect_classifier_are_the_exact_resampled_auc():
    from dsanalysis.detection_metrics import resample_counts
    from dsanalysis.stats.ranking import image_replicates
    from dsanalysis.stats.score_matrix import ScoreMatrix

    rng = np.random.default_rng(3)
    fake, score = _near_perfect(20, 2, rng)  # AUC 0.99 on 40 test images, as in the demo's in-domain cell
    matrix = ScoreMatrix("a", np.arange(40), fake, np.arange(1), score[None, :])
    counts = resample_counts(rng, 40, 500)
    auc = image_replicates(matrix, counts)["auc"][:, 0]
    assert ((auc >= 0) & (auc <= 1)).all()
    # each replicate is scikit-learn's AUC of the resampled test set (images repeated by their counts)
    for b in range(0, 500, 25):
        drawn_fake, drawn_score = np.repeat(fake, counts[b]), np.repeat(score, counts[b])
        if 0 < drawn_fake.sum() < len(drawn_fake):
            assert auc[b] == pytest.approx(roc_auc_score(drawn_fake, -drawn_score), abs=1e-6)


def test_intervals_of_a_near_perfect_classifier_stay_within_zero_and_one():
    rng = np.random.default_rng(4)
    frames = []
    for seed in (0, 1):
        for evaluated in ("a", "b"):
            fake, score = _near_perfect(20, 2, rng) if evaluated == "a" else _near_perfect(20, 19, rng)
            frames.append(pd.DataFrame({"run_id": f"a/c/{seed}", "train_dataset": "a", "config_name": "c", "seed": seed,
                                        "eval_dataset": evaluated, "image_id": np.arange(40) + (evaluated == "b") * 100,
                                        "label": np.where(fake, "fake", "real"), "score_real": score}))
    preds = pd.concat(frames, ignore_index=True)
    scores = dataset_scores(cell_scores(preds), preds, n_boot=2000, seed=0)
    assert ((scores["ci_low"] >= 0) & (scores["ci_high"] <= 1)).all(), scores
    # the in-domain AUC interval is the exact bootstrap's: scikit-learn's AUC of resampled test sets
    # (both runs score the same images alike, so resampling the runs adds nothing)
    fake, score = preds.loc[preds["run_id"].eq("a/c/0") & preds["eval_dataset"].eq("a"), ["label", "score_real"]].T.to_numpy()
    fake = fake == "fake"
    reference = []
    for _ in range(2000):
        pick = rng.integers(0, 40, 40)
        if 0 < fake[pick].sum() < 40:
            reference.append(roc_auc_score(fake[pick], -score[pick].astype(float)))
    row = scores.set_index(["metric", "scope"]).loc[("auc", "in_domain")]
    assert row["ci_low"] == pytest.approx(np.percentile(reference, 2.5), abs=0.01)
    assert row["ci_high"] == pytest.approx(np.percentile(reference, 97.5), abs=0.005)


def test_the_fast_expansion_is_kept_where_it_is_accurate():
    from dsanalysis.detection_metrics import resample_counts
    from dsanalysis.stats.ranking import exact_auc_needed, image_replicates
    from dsanalysis.stats.score_matrix import ScoreMatrix

    rng = np.random.default_rng(6)
    n = 600
    fake = np.arange(n) % 2 == 0
    moderate = 1 / (1 + np.exp(-(np.where(fake, -1.0, 1.0) + rng.normal(0, 1, n))))  # AUC about 0.92, 300 a class
    _, perfect = _near_perfect(300, 10, rng)
    scores = np.vstack([moderate, perfect, np.r_[moderate[:60], np.full(n - 60, np.nan)], np.where(fake, 0.7, np.nan)])
    matrix = ScoreMatrix("a", np.arange(n), fake, np.arange(4), scores)
    counts = resample_counts(rng, n, 300)
    linear = image_replicates(matrix, counts)["auc"]
    # moderate and large: expansion; near 1: exact; 30 images a class: exact; one class only: no AUC at all
    assert exact_auc_needed(matrix, linear).tolist() == [False, True, True, False]
    assert np.isnan(linear[:, 3]).all()
