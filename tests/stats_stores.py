"""Small synthetic results stores for the statistics tests: rows inserted directly, no training.

Each training dataset i has a planted skill; its accuracy on dataset j falls with the distance
|t_i - t_j| between the datasets' planted trait t; within a dataset, images with a higher 'blur'
descriptor are called wrong more often. Scores follow the store's conventions (score_real = P(real)).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from dsanalysis.store import open_store


def _insert(store, table: str, frame: pd.DataFrame) -> None:
    store.con.register("test_rows", frame)
    store.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM test_rows")
    store.con.unregister("test_rows")


def build_stats_store(
    path: Path,
    *,
    n_datasets: int = 4,
    seeds: tuple[int, ...] = (0, 1, 2),
    configs: tuple[str, ...] = ("default",),
    n_images: int = 60,
    distance_effect: float = 1.2,
    blur_effect: float = 0.8,
    with_traits: bool = True,
    with_predictions: bool = True,
    rng_seed: int = 0,
) -> dict:
    """Write a study with ``n_datasets`` datasets evaluated on each other; returns the planted truth."""
    rng = np.random.default_rng(rng_seed)
    names = [f"set{i}" for i in range(n_datasets)]
    trait = np.linspace(0.0, 2.0, n_datasets)
    skill = np.linspace(2.0, 1.0, n_datasets)  # set0 best
    now = dt.datetime(2026, 1, 1)
    images, image_traits = [], []
    image_id = 0
    for d, name in enumerate(names):
        for k in range(n_images):
            image_id += 1
            label = "real" if k % 2 == 0 else "fake"
            content = f"hash{image_id:06d}"
            images.append({"image_id": image_id, "dataset": name, "rel_path": f"{label}/{k}.jpg", "label": label,
                           "group_id": None, "source_split": None, "status": "ok", "content_hash": content,
                           "ingested_at": now})
            image_traits.append({"content_hash": content, "extractor": "quality", "trait": "blur",
                                 "value": float(rng.normal(trait[d], 1.0)), "category": None, "extractor_version": "1"})
            image_traits.append({"content_hash": content, "extractor": "quality", "trait": "phash", "value": None,
                                 "category": f"{image_id:016x}", "extractor_version": "1"})
            image_traits.append({"content_hash": content, "extractor": "skin", "trait": "ita", "value": None,
                                 "category": ["light", "dark"][k % 4 // 2], "extractor_version": "1"})
    images = pd.DataFrame(images)
    traits = pd.DataFrame(image_traits)
    blur = traits[traits["trait"] == "blur"].set_index("content_hash")["value"]
    runs, predictions = [], []
    for i, train in enumerate(names):
        for config in configs:
            for seed in seeds:
                run_id = f"{train}-{config}-{seed}"
                runs.append({"run_id": run_id, "kind": "trained", "arch": "meso4", "train_dataset": train,
                             "config_name": config, "seed": seed, "status": "complete", "package_version": "test"})
                run_shift = rng.normal(0, 0.1)
                for j, evaluated in enumerate(names):
                    rows = images[images["dataset"] == evaluated]
                    b = blur.reindex(rows["content_hash"]).to_numpy()
                    logit = skill[i] + run_shift - distance_effect * abs(trait[i] - trait[j]) - blur_effect * (b - trait[j])
                    correct = rng.random(len(rows)) < 1 / (1 + np.exp(-logit))
                    is_real = rows["label"].to_numpy() == "real"
                    called_real = np.where(is_real, correct, ~correct)
                    score = np.where(called_real, rng.uniform(0.5, 1.0, len(rows)), rng.uniform(0.0, 0.499, len(rows)))
                    predictions.append(pd.DataFrame({"run_id": run_id, "dataset": evaluated, "part": "test",
                                                     "image_id": rows["image_id"].to_numpy(), "score_real": score}))
    dataset_traits = pd.DataFrame(
        [{"dataset": n, "trait": "planted", "class": "all", "value": float(trait[d]), "n": n_images, "computed_at": now}
         for d, n in enumerate(names)]
        + [{"dataset": n, "trait": "constant", "class": "all", "value": 1.0, "n": n_images, "computed_at": now} for n in names]
        + [{"dataset": n, "trait": "noise", "class": "all", "value": float(rng.normal()), "n": n_images, "computed_at": now}
           for n in names])
    pair_traits = pd.DataFrame([{"dataset_a": a, "dataset_b": b, "trait": "frechet_distance",
                                 "value": float(abs(trait[i] - trait[j])), "n_a": n_images, "n_b": n_images, "computed_at": now}
                                for i, a in enumerate(names) for j, b in enumerate(names) if i < j])
    with open_store(path) as store:
        with store.transaction():
            _insert(store, "datasets", pd.DataFrame({"dataset": names, "root": "/tmp", "layout": "folders",
                                                     "ingested_at": now, "package_version": "test"}))
            _insert(store, "images", images)
            _insert(store, "runs", pd.DataFrame(runs))
            if with_predictions:
                _insert(store, "predictions", pd.concat(predictions, ignore_index=True))
            if with_traits:
                _insert(store, "image_traits", traits)
                _insert(store, "dataset_traits", dataset_traits)
                _insert(store, "dataset_pair_traits", pair_traits)
    return {"datasets": names, "trait": dict(zip(names, trait)), "skill": dict(zip(names, skill))}
