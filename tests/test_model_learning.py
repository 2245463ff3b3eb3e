"""Whether a run learned, decided on validation data only: the rule, and real runs that do and do not learn."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dsanalysis.model.learning import MIN_PER_CLASS, learning_check


def test_the_rule_on_hand_made_scores():
    labels = np.array(["real"] * 20 + ["fake"] * 20)
    separated = learning_check(labels, np.r_[np.linspace(0.6, 0.9, 20), np.linspace(0.1, 0.4, 20)])
    assert (separated.learned, separated.auc) == ("true", 1.0) and separated.ci_low > 0.5
    rng = np.random.default_rng(0)
    noise = rng.uniform(0, 1, 40)
    chance = learning_check(labels, noise)
    from sklearn.metrics import roc_auc_score

    assert chance.auc == pytest.approx(roc_auc_score(labels == "fake", 1 - noise))  # fake = positive
    assert chance.learned == "false" and chance.ci_low <= 0.5 <= chance.ci_high
    assert "reaches chance" in chance.reason
    small = learning_check(np.array(["real"] * 3 + ["fake"] * 3), np.r_[np.ones(3), np.zeros(3)])
    assert small.learned == "unknown" and small.auc is None
    assert small.reason == (f"validation part too small to tell: 3 real and 3 fake images "
                            f"(at least {MIN_PER_CLASS} of each needed)")
    assert learning_check(np.array([]), np.array([])).learned == "unknown"
    with pytest.raises(ValueError, match="differ in length"):
        learning_check(labels, noise[:5])


def test_no_effect_is_called_learned_at_most_at_the_nominal_rate():
    """Scores unrelated to the labels: 'true' (interval above 0.5) in at most ~2.5% of 400 simulated runs."""
    rng = np.random.default_rng(3)
    labels = np.array(["real"] * 30 + ["fake"] * 30)
    calls = [learning_check(labels, rng.uniform(0, 1, 60), seed=k).learned for k in range(400)]
    assert calls.count("true") / 400 <= 0.05
    assert calls.count("unknown") == 0


def _manifest(folder, labels_of):
    """A manifest over the images in folder/{real,fake}, labelled by ``labels_of(true labels)``."""
    paths = sorted(p for p in folder.rglob("*.jpg"))
    truth = np.array([p.parent.name for p in paths])
    pd.DataFrame({"path": [str(p.relative_to(folder)) for p in paths], "label": labels_of(truth)}).to_csv(
        folder / "labels.csv", index=False)
    return folder / "labels.csv"


def test_a_run_that_learns_says_true_one_on_shuffled_labels_says_false_and_a_tiny_validation_part_unknown(
        tmp_path, cli):
    """Meso-4 on the demo's 'diverse' data (planted, learnable fakes) learns; on the same images with shuffled
    labels it cannot; with 3 validation images per class the check declines to decide."""
    from dsanalysis.study.demo import demo_spec
    from dsanalysis.synthetic.datasets import write_synthetic_dataset

    spec, seed = demo_spec("diverse", images_per_class=60)
    write_synthetic_dataset(spec, tmp_path / "diverse", seed=seed)
    rng = np.random.default_rng(0)
    shuffled = _manifest(tmp_path / "diverse", lambda truth: rng.permutation(truth))
    assert cli("ingest", "diverse", tmp_path / "diverse", "--layout", "folders").code == 0
    assert cli("ingest", "shuffled", tmp_path / "diverse", "--manifest", shuffled).code == 0
    fast = ("--config", "bce", "--epochs", "4", "--batch-size", "16", "--deterministic", "--validation-fraction", "0.3")
    learned = cli("train", "diverse", *fast)
    assert learned.code == 0, learned.err
    assert "learned: true (validation AUC" in learned.out
    not_learned = cli("train", "shuffled", *fast)
    assert not_learned.code == 0, not_learned.err
    assert "learned: false (validation AUC" in not_learned.out
    tiny = cli("train", "diverse", *fast[:-1], "0.07", "--seed", "1")  # 3 of 42 per class
    assert tiny.code == 0, tiny.err
    assert "learned: unknown (validation part too small to tell: 3 real and 3 fake images" in tiny.out
    runs = json.loads(cli("sql", "--query", "runs", "--format", "json").out)
    verdicts = {(r["train_dataset"], r["seed"]): r["learned"] for r in runs}
    assert verdicts == {("diverse", 0): "true", ("shuffled", 0): "false", ("diverse", 1): "unknown"}
    assert all(r["validation_auc"] is not None for r in runs if r["learned"] != "unknown")


def test_a_run_that_shows_no_learning_at_the_probe_starts_again_and_a_learning_one_does_not(tmp_path, cli,
                                                                                           store_path):
    """restarts: on shuffled labels the probe at epoch 2 says 'false', so the run starts again from new weights
    (and says so, in its output, its reason and its history); on learnable data the probe at epoch 4 passes and the run
    trains once."""
    from dsanalysis.study.demo import demo_spec
    from dsanalysis.synthetic.datasets import write_synthetic_dataset

    spec, seed = demo_spec("diverse", images_per_class=60)
    write_synthetic_dataset(spec, tmp_path / "diverse", seed=seed)
    rng = np.random.default_rng(0)
    shuffled = _manifest(tmp_path / "diverse", lambda truth: rng.permutation(truth))
    assert cli("ingest", "diverse", tmp_path / "diverse", "--layout", "folders").code == 0
    assert cli("ingest", "shuffled", tmp_path / "diverse", "--manifest", shuffled).code == 0
    fast = ("--config", "bce", "--epochs", "4", "--batch-size", "16", "--deterministic", "--validation-fraction", "0.3",
            "--restarts", "1", "--probe-epoch", "2")
    restarted = cli("train", "shuffled", *fast)
    assert restarted.code == 0, restarted.err
    assert "no sign of learning by epoch 2 (validation AUC" in restarted.out
    assert "seed 7919)" in restarted.out
    assert "learned: false (validation AUC" in restarted.out and "after 1 restart (at epoch 2: AUC 0." in restarted.out
    learned = cli("train", "diverse", *fast[:-1], "4", "--epochs", "5")  # this data shows its learning by epoch 4
    assert learned.code == 0, learned.err
    assert "no sign of learning" not in learned.out and "learned: true" in learned.out
    runs = {r["train_dataset"]: r for r in json.loads(cli("sql", "--query", "runs", "--format", "json").out)}
    assert "restarts=1" in runs["shuffled"]["config_name"]
    assert "after 1 restart" in runs["shuffled"]["learned_reason"]
    from dsanalysis.store import open_store

    with open_store(store_path, read_only=True) as store:
        for dataset, expected in (("shuffled", 1.0), ("diverse", 0.0)):
            history = store.query("run_history", run_id=runs[dataset]["run_id"])
            assert history.loc[history["metric"] == "restarts", "train"].tolist() == [expected]
            # the kept attempt's curve only: its epochs, each once
            assert history.loc[history["metric"] == "loss", "epoch"].tolist() == list(range(1, 5 + (dataset == "diverse")))


def test_runs_without_restarts_keep_the_ids_they_had_before_restarts_existed():
    from dsanalysis.model.config import resolve_config
    from dsanalysis.model.training import run_key

    _, config = resolve_config("default", {"restarts": 0})
    before = {k: v for k, v in config.items() if k not in ("restarts", "probe_epoch")}
    assert run_key("meso4", "lfw", "s1", config, 0) == run_key("meso4", "lfw", "s1", before, 0)
    _, restarting = resolve_config("default")  # the default restarts (2): a different run
    assert run_key("meso4", "lfw", "s1", restarting, 0) != run_key("meso4", "lfw", "s1", config, 0)
    assert run_key("meso4", "lfw", "s1", resolve_config("mse10")[1], 0) == run_key(
        "meso4", "lfw", "s1", {k: v for k, v in resolve_config("mse10")[1].items() if k not in ("restarts", "probe_epoch")}, 0)
