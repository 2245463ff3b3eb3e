"""Ranking: per-cell metrics against scikit-learn, score averaging by hand, bootstrap behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, roc_auc_score

from dsanalysis.stats.detection import weighted_auc
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
    preds.loc[preds.index[:5], "score_real"] = 0.5  # ties at the threshold count as real
    cells = cell_scores(preds).set_index("metric")["value"]
    real = preds["label"] == "real"
    called_real = preds["score_real"] >= 0.5
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
