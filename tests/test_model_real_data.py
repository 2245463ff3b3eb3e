"""The shared real data: published-weights reproduction and one small real training run (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _linked_subset(source: Path, target: Path, per_class: int) -> Path:
    """A class-folder dataset of symlinks to the first files of each class (the data is never copied)."""
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        (target / folder.name).mkdir(parents=True)
        for path in sorted(folder.glob("*.jpg"))[:per_class]:
            (target / folder.name / path.name).symlink_to(path)
    return target


@pytest.mark.slow
def test_published_meso4_reproduces_the_papers_validation_accuracy(cli, mesonet_dir, published_weights, tmp_path):
    subset = tmp_path / "mesonet_validation"
    subset.mkdir()
    (subset / "validation").symlink_to(mesonet_dir / "validation")
    assert cli("ingest", "mesonet", subset, "--follow-links").code == 0
    weights = published_weights / "weights" / "Meso4_DF.h5"
    assert cli("evaluate", "--weights", weights, "--on", "mesonet", "--part", "all", "--bootstrap", "0").code == 0
    [row] = json.loads(cli("sql", "--query", "source_split_accuracy", "--format", "json").out)
    assert row["source_split"] == "validation" and row["n_images"] == 600
    assert row["accuracy"] == pytest.approx(0.891, abs=0.03)  # Afchar et al. 2018, Meso-4 on Deepfake


@pytest.mark.slow
def test_training_on_real_faces_learns_and_stores_a_complete_run(cli, lfw_dir, tmp_path):
    assert cli("ingest", "lfw", _linked_subset(lfw_dir, tmp_path / "lfw", 40), "--follow-links").code == 0
    result = cli("train", "lfw", "--config", "mse10", "--epochs", "10", "--batch-size", "8", "--seed", "0",
                 "--validation-fraction", "0.1")
    assert result.code == 0, result.err
    history = json.loads(cli("sql", "--query", "run_history", "--format", "json").out)
    loss = [h["train"] for h in history if h["metric"] == "loss"]
    # it fits its ~50 training faces: below the squared error of scoring every image 0.5 (0.25)
    assert len(loss) == 10 and loss[-1] < min(loss[0], 0.25) - 0.02
    assert cli("evaluate", "--all", "--bootstrap", "0").code == 0
    [cell] = json.loads(cli("sql", "--query", "cross_dataset_matrix", "--format", "json").out)
    assert cell["n_images"] == 24 and cell["in_domain"]
