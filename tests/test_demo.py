"""The built-in demo: Meso-4 learns the planted fakes, and the analyses recover the largest planted effect.

A reduced demo (two of the demo's datasets, fewer images, one model) keeps this file to a few
minutes on two cores; the datasets, their seeds and the training recipe are the demo's own.
"""

from __future__ import annotations

import pytest
from scipy import stats

from dsanalysis.study.demo import SPLIT, TRAINING_BASE, TRAINING_OVERRIDES, demo_spec
from dsanalysis.synthetic.datasets import write_synthetic_dataset

IMAGES_PER_CLASS = 80
DATASETS = ("diverse", "low_res")


@pytest.fixture(scope="module")
def reduced_demo(tmp_path_factory):
    """A store with the demo's ``diverse`` and ``low_res`` datasets, one model trained on ``diverse``
    scored on both test parts, quality traits, and the ranking analysis."""
    from dsanalysis.ingest import ingest_dataset
    from dsanalysis.model.evaluation import evaluate_runs
    from dsanalysis.model.splits import SplitSettings
    from dsanalysis.model.training import train_run
    from dsanalysis.stats.analyses import Settings, run_analysis
    from dsanalysis.store import open_store
    from dsanalysis.traits.pipeline import run_traits

    folder = tmp_path_factory.mktemp("demo")
    split = SplitSettings(strategy=SPLIT.strategy, test_fraction=SPLIT.test_fraction,
                          validation_fraction=SPLIT.validation_fraction, seed=SPLIT.seed)
    with open_store(folder / "demo.duckdb") as store:
        for name in DATASETS:
            spec, seed = demo_spec(name, IMAGES_PER_CLASS)
            ingest_dataset(store, name, write_synthetic_dataset(spec, folder / name, seed))
        run = train_run(store, "diverse", config_name=TRAINING_BASE, overrides=TRAINING_OVERRIDES, seed=0, split=split)
        evaluate_runs(store, [run.run_id], list(DATASETS), part="test", default_split=split, resamples=0)
        run_traits(store, list(DATASETS), extractors=("quality",), embed=False)
        _, ranking = run_analysis(store, "ranking", Settings(n_boot=200))
        matrix = store.query("cross_dataset_matrix")
        width = store.query("dataset_traits", trait_like="width.%", **{"class": "all"})
        metrics = store.query("evaluation_metrics")
    return {"matrix": matrix.set_index("test_dataset"), "transfer": ranking["transfer"], "width": width,
            "metrics": metrics}


@pytest.mark.slow
def test_meso4_trained_on_a_demo_dataset_beats_chance_on_its_own_test_split(reduced_demo):
    row = reduced_demo["matrix"].loc["diverse"]
    n = int(row["n_images"])
    correct = round(float(row["accuracy"]) * n)
    assert n == 2 * round(SPLIT.test_fraction * IMAGES_PER_CLASS)
    # exact one-sided binomial test against guessing; its 99% lower confidence bound is above 0.5
    assert stats.binomtest(correct, n, 0.5, alternative="greater").pvalue < 0.01
    assert stats.binomtest(correct, n).proportion_ci(confidence_level=0.98).low > 0.5


@pytest.mark.slow
def test_the_largest_planted_effect_resolution_is_recovered_with_the_right_sign(reduced_demo):
    """Of the planted traits, storing the images at 128 px hurts models trained at 256 px the most (in
    the full demo the ``low_res`` column of the matrix is the lowest): downscaling erases the skin's
    pore texture, so real faces look like the smoothed swapped ones, and the fake generator's
    2-pixel fingerprint.

    The analyses must show it with the right sign: the measured image width puts ``low_res`` at
    128 px and ``diverse`` at 256 px, and the ``diverse`` model does worse on the dataset with the
    lower measured resolution: lower accuracy in the ranking's transfer table and a higher Brier
    score. (Its AUC is near 1 on both test parts, so ranking alone cannot show the effect.)
    """
    width = reduced_demo["width"]
    mean = width[width["trait"] == "width.mean"].set_index("dataset")["value"]
    assert mean["low_res"] == 128 and mean["diverse"] == 256

    transfer = reduced_demo["transfer"]
    transfer = transfer[transfer["train_dataset"] == "diverse"].set_index(["metric", "eval_dataset"])["mean"]
    assert transfer[("accuracy", "low_res")] < transfer[("accuracy", "diverse")]
    metrics = reduced_demo["metrics"]
    brier = metrics[(metrics["metric"] == "brier") & (metrics["level"] == "image")].set_index("test_dataset")["value"]
    assert brier["low_res"] > brier["diverse"]


def test_report_demo_refuses_a_style_before_doing_any_work(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("report", "--demo", "--style", "journal.toml")
    assert result.code == 1
    assert "--style cannot be combined with --demo" in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "reports").exists()
