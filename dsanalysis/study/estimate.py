"""A rough time estimate for a study's pending units, from a quick throughput probe on this machine.

The probe times a few Meso-4 (or MesoInception-4) training steps and scoring batches on random
256x256 tensors, and decodes a few of the study's image files. It touches no store and no cache,
so it cannot change any result; it is an estimate, and on a busy machine a rough one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dsanalysis.errors import UserError
from dsanalysis.store import Store
from dsanalysis.study.config import DatasetEntry, StudyConfig
from dsanalysis.study.units import study_units

SCORE_BATCH = 64  # evaluation's batch size


@dataclass(frozen=True)
class Throughput:
    """Images per second measured by :func:`probe_throughput`."""

    train: dict[tuple[str, int], float] = field(default_factory=dict)  # (arch, batch size) -> training images/s
    score: dict[str, float] = field(default_factory=dict)  # arch -> scoring images/s
    decode: float | None = None  # image files decoded and resized per second (None: no file found)


def _rate(images: int, action, repeats: int) -> float:  # noqa: ANN001 - a zero-argument callable
    action()  # warm-up: graph tracing and memory allocation are not throughput
    started = time.perf_counter()
    for _ in range(repeats):
        action()
    return images * repeats / (time.perf_counter() - started)


def probe_throughput(study: StudyConfig, steps: int = 3) -> Throughput:
    """Time ``steps`` training steps and scoring batches per (architecture, batch size) of the study on random tensors."""
    from dsanalysis.model.cache import resized_rgb
    from dsanalysis.model.config import resolve_config
    from dsanalysis.model.runtime import tensorflow
    from dsanalysis.model.training import compiled_model

    tensorflow()
    rng = np.random.default_rng(0)
    train: dict[tuple[str, int], float] = {}
    score: dict[str, float] = {}
    for arch in study.training.architectures:
        for overrides in study.training.grid:
            _, config = resolve_config(study.training.base, overrides)
            batch = config["batch_size"]
            if (arch, batch) in train:
                continue
            model = compiled_model(arch, config)
            x = rng.random((batch, 256, 256, 3), dtype=np.float32)
            y = (rng.random(batch) < 0.5).astype(np.float32)
            train[(arch, batch)] = _rate(batch, lambda m=model, x=x, y=y: m.train_on_batch(x, y), steps)
            if arch not in score:
                batch_x = rng.random((SCORE_BATCH, 256, 256, 3), dtype=np.float32)
                score[arch] = _rate(SCORE_BATCH, lambda m=model, b=batch_x: m.predict_on_batch(b), steps)
    files = [f for d in study.datasets if d.path.is_dir() for f in _image_files(d.path)[:4]][:8]
    decode = None
    if files:
        started = time.perf_counter()
        for f in files:
            resized_rgb(f, 256, "nearest")
        decode = len(files) / (time.perf_counter() - started)
    return Throughput(train, score, decode)


def _image_files(root: Path) -> list[Path]:
    """The files a class-folder layout finds under ``root`` (empty when it is not one)."""
    from dsanalysis.ingest.layout import discover_folders

    try:
        layout = discover_folders(root)
    except UserError:
        return []
    return [root / c.rel_path for c in layout.candidates]


def _manifest_rows(entry: DatasetEntry) -> int | None:
    """Rows of the dataset's manifest (its ``manifest``, PATH itself, or PATH/manifest.*), None without one."""
    from dsanalysis.ingest.layout import manifests_in, read_manifest

    path = entry.path
    if entry.manifest is not None:
        manifest, root = entry.manifest, path
    elif path.is_file():
        manifest, root = path, path.parent
    else:
        found = manifests_in(path)
        if not found:
            return None
        manifest, root = found[0], path
    try:
        return len(read_manifest(manifest, root, entry.numeric_label_one, entry.group_pattern).candidates)
    except UserError:
        return None


def _image_count(store: Store | None, entry: DatasetEntry) -> int | None:
    """Usable images of a registered dataset; before ingest, the files its layout lists (None: unknown)."""
    if store is not None:
        registered = store.query("datasets")
        row = registered[registered["dataset"] == entry.name]
        if not row.empty:
            from dsanalysis.model.splits import usable_images

            return len(usable_images(store, entry.name))
    listed = len(_image_files(entry.path)) if entry.path.is_dir() and entry.manifest is None else 0
    count = listed or _manifest_rows(entry)  # nothing countable: unknown until ingested, never 0 s
    if count is not None and entry.max_images_per_class is not None:  # two classes, each capped
        count = min(count, 2 * entry.max_images_per_class)
    return count


def estimate_plan(store: Store | None, study: StudyConfig, plan: pd.DataFrame, rates: Throughput) -> pd.DataFrame:
    """``plan`` (from ``plan_frame``) with ``estimate_s``: seconds estimated for each pending unit.

    Ingest: every file decoded twice (the ingest check and the one-time decode into the cache).
    Train: epochs x (training images / training rate + validation images / scoring rate).
    Evaluate: test images x every model of the study / scoring rate. Traits, analyses and the
    report are not estimated (NaN), nor is anything whose images cannot be counted.

    Returns
    -------
    DataFrame with the columns of ``plan`` plus estimate_s (0 for units already done).
    """
    from dsanalysis.model.config import resolve_config

    counts = {d.name: _image_count(store, d) for d in study.datasets}
    models = [u for u in study_units(study) if u.kind == "train"]
    estimates = []
    for unit, status in zip(study_units(study), plan["status"], strict=True):
        p, seconds = unit.params, np.nan
        n = counts.get(p.get("dataset"))
        split = p.get("split")  # train and evaluate units: their dataset's split settings
        if status == "done":
            seconds = 0.0
        elif unit.kind == "ingest" and n is not None and rates.decode:
            seconds = 2 * n / rates.decode
        elif unit.kind == "train" and n is not None:
            _, config = resolve_config(p["base"], p["overrides"])
            n_train = n * (1 - split["test_fraction"]) * (1 - split["validation_fraction"])
            n_val = n * (1 - split["test_fraction"]) * split["validation_fraction"]
            seconds = config["epochs"] * (n_train / rates.train[(p["arch"], config["batch_size"])]
                                          + n_val / rates.score[p["arch"]])
        elif unit.kind == "evaluate" and n is not None:
            seconds = sum(n * split["test_fraction"] / rates.score[m.params["arch"]] for m in models)
        estimates.append(seconds)
    # two significant figures: a fixed number of decimals shows a small pending unit as 0 (done)
    return plan.assign(estimate_s=[float(f"{x:.2g}") if np.isfinite(x) else np.nan for x in estimates])
