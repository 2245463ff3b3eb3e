"""A store like a four-dataset study in which nothing transfers: rows inserted directly, no training.

Every model is above chance on its own dataset (each run on its own, so averaging the runs' scores
image by image would overstate it) and at chance on every other dataset; the dataset traits and
distances are unrelated to the scores. Scores follow the store's conventions (score_real = P(real)).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from stats_stores import _insert

from dsanalysis.store import open_store


def _images(names: list[str], n_images: int, rng: np.random.Generator, now: dt.datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Balanced real/fake images per dataset, each with a two-level skin category and a numeric blur."""
    images, traits = [], []
    image_id = 0
    for name in names:
        for k in range(n_images):
            image_id += 1
            label = "real" if k % 2 == 0 else "fake"
            content = f"few{image_id:06d}"
            images.append({"image_id": image_id, "dataset": name, "rel_path": f"{label}/{k}.jpg", "label": label,
                           "group_id": None, "source_split": None, "status": "ok", "content_hash": content,
                           "ingested_at": now})
            traits.append({"content_hash": content, "extractor": "skin", "trait": "ita", "value": None,
                           "category": ["light", "dark"][k % 4 // 2], "extractor_version": "1"})
            traits.append({"content_hash": content, "extractor": "quality", "trait": "blur",
                           "value": float(rng.normal()), "category": None, "extractor_version": "1"})
    return pd.DataFrame(images), pd.DataFrame(traits)


def build_few_datasets_store(
    path: Path,
    *,
    n_datasets: int = 4,
    seeds: tuple[int, ...] = (0, 1, 2),
    n_images: int = 120,
    in_domain_accuracy: float = 0.65,
    n_traits: int = 12,
    rng_seed: int = 0,
) -> list[str]:
    """Write the study; returns the dataset names.

    Each run calls each image of its own dataset right with probability ``in_domain_accuracy``,
    independently of the other runs, and each image of another dataset right with probability 0.5.
    ``n_traits`` random dataset traits and one random distance are stored for the trait analyses.
    """
    rng = np.random.default_rng(rng_seed)
    names = [f"set{i}" for i in range(n_datasets)]
    now = dt.datetime(2026, 1, 1)
    images, image_traits = _images(names, n_images, rng, now)
    runs, predictions = [], []
    for train in names:
        for seed in seeds:
            run_id = f"{train}-default-{seed}"
            runs.append({"run_id": run_id, "kind": "trained", "arch": "meso4", "train_dataset": train,
                         "config_name": "default", "seed": seed, "status": "complete", "package_version": "test"})
            for evaluated in names:
                rows = images[images["dataset"] == evaluated]
                accuracy = in_domain_accuracy if evaluated == train else 0.5
                correct = rng.random(len(rows)) < accuracy
                is_real = rows["label"].to_numpy() == "real"
                called_real = np.where(is_real, correct, ~correct)
                score = np.where(called_real, rng.uniform(0.5, 1.0, len(rows)), rng.uniform(0.0, 0.499, len(rows)))
                predictions.append(pd.DataFrame({"run_id": run_id, "dataset": evaluated, "part": "test",
                                                 "image_id": rows["image_id"].to_numpy(), "score_real": score}))
    dataset_traits = pd.DataFrame([{"dataset": name, "trait": f"t{k:02d}", "class": "all", "value": float(rng.normal()),
                                    "n": n_images, "computed_at": now} for name in names for k in range(n_traits)])
    pair_traits = pd.DataFrame([{"dataset_a": a, "dataset_b": b, "trait": "frechet_distance",
                                 "value": float(rng.uniform(1, 5)), "n_a": n_images, "n_b": n_images, "computed_at": now}
                                for i, a in enumerate(names) for j, b in enumerate(names) if i < j])
    with open_store(path) as store:
        with store.transaction():
            _insert(store, "datasets", pd.DataFrame({"dataset": names, "root": "/tmp", "layout": "folders",
                                                     "ingested_at": now, "package_version": "test"}))
            _insert(store, "images", images)
            _insert(store, "runs", pd.DataFrame(runs))
            _insert(store, "predictions", pd.concat(predictions, ignore_index=True))
            _insert(store, "image_traits", image_traits)
            _insert(store, "dataset_traits", dataset_traits)
            _insert(store, "dataset_pair_traits", pair_traits)
    return names
