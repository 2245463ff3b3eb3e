"""Scoring runs on datasets: one decoded pass per dataset serves every model, one transaction per result.

For each evaluated dataset the images are read from the decoded-image cache once (per resize
method), then every requested run scores them. ``part='test'`` scores the test part of the
dataset's split drawn with the run's own split settings (default settings for imported weights),
so every model trained with the same settings is tested on the same images; ``part='all'``
scores every usable image. Each (run, dataset, part) is written as evaluations + predictions +
metrics in one transaction, and skipped when already stored unless ``force``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dsanalysis.errors import UserError
from dsanalysis.model.cache import decoded_images
from dsanalysis.model.data import image_batches
from dsanalysis.model.metrics import THRESHOLD, detection_metrics, group_scores
from dsanalysis.model.splits import SplitSettings, dataset_split, usable_images
from dsanalysis.model.weights import file_sha256, model_with_weights
from dsanalysis.provenance import library_versions, now, stable_key
from dsanalysis.store import Store

PARTS = ("test", "all")


@dataclass(frozen=True)
class Evaluated:
    run_id: str
    dataset: str
    part: str
    n_images: int
    accuracy: float
    auc: float
    skipped: bool  # already stored


def stored_run(store: Store, run_id: str) -> dict[str, Any]:
    """The run row of ``run_id``; :class:`UserError` if unknown or not complete."""
    row = store.query("model_run_get", run_id=run_id)
    if row.empty:
        raise UserError(f"no run {run_id!r} in {store.path}; list runs with `python -m dsanalysis sql --query runs`")
    record = {k: (None if pd.isna(v) else v) for k, v in row.iloc[0].to_dict().items()}  # SQL NULL -> None
    if record["status"] != "complete":
        raise UserError(f"run {run_id} is {record['status']}, not complete; re-run its `train` command")
    return record


def imported_run(store: Store, weights: str, arch: str | None = None) -> str:
    """The run id of a weights file (kind 'imported', keyed by its SHA-256), stored if new."""
    from dsanalysis import __version__
    from dsanalysis.provenance import library_versions_json

    digest = file_sha256(weights)
    name, _ = model_with_weights(weights, arch)  # wrong architecture: one-line UserError, nothing written
    run_id = stable_key("imported", name, digest)
    if store.query("model_run_get", run_id=run_id).empty:
        from pathlib import Path

        row = pd.DataFrame([{
            "run_id": run_id, "kind": "imported", "arch": name, "config_name": "imported",
            "config": json.dumps({"resize": "nearest", "source": Path(weights).name}, sort_keys=True),
            "status": "complete", "weights_path": str(Path(weights).resolve()), "weights_sha256": digest,
            "started_at": now(), "finished_at": now(), "package_version": __version__,
            "library_versions": library_versions_json(),
        }])
        with store.transaction():
            store.con.register("run_row", row)
            store.execute("model_run_start")
            store.con.unregister("run_row")
    return run_id


def verified_weights(run: dict[str, Any]) -> Path:
    """The weights file of a stored run (a row of :func:`stored_run`); UserError if missing or changed (SHA-256)."""
    path = Path(run["weights_path"])
    if not path.is_file():
        raise UserError(f"weights of run {run['run_id']} are missing: {path}")
    if file_sha256(path) != run["weights_sha256"]:
        raise UserError(f"weights file {path} of run {run['run_id']} changed since it was stored (SHA-256 differs)")
    return path


def load_run_model(run: dict[str, Any]) -> Any:
    """The Keras model of a stored run (a row of :func:`stored_run`), after checking its weights file's SHA-256."""
    path = verified_weights(run)
    _, model = model_with_weights(path, run["arch"])
    return model


def evaluated_images(store: Store, dataset: str, run: dict[str, Any], part: str,
                     default_split: SplitSettings) -> tuple[pd.DataFrame, str | None]:
    """The images of ``dataset`` that ``run`` is scored on (its split's test part, or all), and that split's id."""
    images = usable_images(store, dataset)
    if part == "all":
        return images, None
    settings = default_split
    if run["split_id"] is not None:
        row = store.query("model_split_get", split_id=run["split_id"])
        settings = SplitSettings.from_row(row.iloc[0].to_dict())
    split = dataset_split(store, dataset, settings)
    test_ids = split.part("test")
    return images[images["image_id"].isin(test_ids)].reset_index(drop=True), split.split_id


def evaluate_runs(
    store: Store,
    run_ids: list[str],
    datasets: list[str],
    *,
    part: str = "test",
    default_split: SplitSettings | None = None,
    resamples: int = 1000,
    seed: int = 0,
    batch_size: int = 64,
    force: bool = False,
    report: Callable[[str], None] | None = None,
) -> list[Evaluated]:
    """Score every run in ``run_ids`` on ``part`` of every dataset in ``datasets`` and store the results.

    Returns
    -------
    One :class:`Evaluated` per (run, dataset), in order.
    """
    from dsanalysis.model.runtime import tensorflow

    if part not in PARTS:
        raise UserError(f"--part must be one of {', '.join(PARTS)}, not {part!r}")
    default_split = default_split or SplitSettings()
    runs = [stored_run(store, r) for r in run_ids]
    for dataset in datasets:
        usable_images(store, dataset)  # unknown or empty dataset: fail before any work
    tensorflow()
    models: dict[str, Any] = {}
    done: list[Evaluated] = []
    for dataset in datasets:
        pending = []
        for run in runs:
            stored = store.query("model_evaluation_exists", run_id=run["run_id"], dataset=dataset, part=part)
            if not stored.empty and not force:
                summary = store.query("evaluation_metrics", run_id=run["run_id"])
                summary = summary[(summary["test_dataset"] == dataset) & (summary["part"] == part)
                                  & (summary["level"] == "image")]
                value = dict(zip(summary["metric"], summary["value"], strict=True))
                done.append(Evaluated(run["run_id"], dataset, part, int(stored["n_images"].iloc[0]),
                                      value.get("accuracy", np.nan), value.get("auc", np.nan), True))
                continue
            pending.append(run)
        by_resize: dict[str, list[dict[str, Any]]] = {}
        for run in pending:
            by_resize.setdefault(json.loads(run["config"] or "{}").get("resize", "nearest"), []).append(run)
        for resize, group in by_resize.items():
            images = usable_images(store, dataset)
            pixels, rows = decoded_images(store.path, images, method=resize)  # one decode pass for every model
            row_of = pd.Series(rows, index=images["image_id"].to_numpy())
            for run in group:
                started = time.perf_counter()
                chosen, split_id = evaluated_images(store, dataset, run, part, default_split)
                if run["run_id"] not in models:
                    models[run["run_id"]] = load_run_model(run)
                scores = score_images(models[run["run_id"]], pixels, row_of[chosen["image_id"].to_numpy()].to_numpy(), batch_size)
                result = store_evaluation(store, run, dataset, part, split_id, chosen, scores, resize, resamples, seed,
                                           time.perf_counter() - started)
                done.append(result)
                if report is not None:
                    report(f"{run['run_id']} ({run['arch']}, trained on {run['train_dataset'] or 'imported weights'}) "
                           f"on {dataset} {part}: accuracy {result.accuracy:.4f}, AUC {result.auc:.4f}, {result.n_images} images")
    return done


def evaluation_metrics_frame(chosen: pd.DataFrame, scores: np.ndarray, resamples: int, seed: int) -> pd.DataFrame:
    """Image-level, video-level and group-level metrics of one scored image set.

    Levels: 'image'; where images are frames cut from videos (``frame_index`` set), 'video' (the
    mean of each video's frame scores, as the MesoNet paper and current benchmarks score videos)
    and 'video_median' (their median); where images have groups (videos, identities) that are not
    just the videos themselves, 'group' (the mean per group). A level is left out when its units
    hold one class only.

    Returns
    -------
    DataFrame with columns level, metric, value, ci_low, ci_high, n.
    """
    scored = chosen.assign(score_real=scores)
    frames = [detection_metrics(scored["label"].to_numpy(), scores, resamples=resamples, seed=seed).assign(level="image")]
    levels: list[tuple[str, pd.DataFrame]] = []
    if "frame_index" in scored.columns and scored["frame_index"].notna().any():
        frames_of_videos = scored[scored["frame_index"].notna()]
        levels += [("video", group_scores(frames_of_videos, by="source_path", how="mean")),
                   ("video_median", group_scores(frames_of_videos, by="source_path", how="median"))]
    grouped = scored.dropna(subset=["group_id"])
    is_video = "source_path" in scored.columns and grouped["group_id"].equals(grouped["source_path"])
    if not is_video:
        levels.append(("group", group_scores(scored)))
    for level, groups in levels:
        if len(groups) and groups["label"].nunique() == 2:
            frames.append(detection_metrics(groups["label"].to_numpy(), groups["score_real"].to_numpy(),
                                            resamples=resamples, seed=seed).assign(level=level))
    return pd.concat(frames, ignore_index=True)


def score_images(model: Any, pixels: np.ndarray, rows: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """``score_real`` of every cached image ``pixels[rows]``, in order (float64)."""
    return model.predict(image_batches(pixels, rows, batch_size=batch_size), verbose=0).reshape(-1).astype(np.float64)


def store_evaluation(store: Store, run: dict[str, Any], dataset: str, part: str, split_id: str | None, chosen: pd.DataFrame,
                     scores: np.ndarray, resize: str, resamples: int, seed: int, seconds: float) -> Evaluated:
    """Compute the metrics of one scored image set and store evaluation, predictions and metrics in one transaction."""
    metrics = evaluation_metrics_frame(chosen, scores, resamples, seed)
    key = {"run_id": run["run_id"], "dataset": dataset, "part": part}
    params = {"threshold": THRESHOLD, "positive_class": "fake", "bootstrap_resamples": resamples, "bootstrap_seed": seed,
              "bootstrap": "percentile, resampled within each class",
              "libraries": library_versions(("scikit-learn", "tensorflow", "keras", "numpy"))}
    evaluation = pd.DataFrame([key | {"split_id": split_id, "n_images": len(chosen), "resize": resize,
                                      "params": json.dumps(params, sort_keys=True), "seconds": seconds}])
    predictions = pd.DataFrame(key | {"image_id": chosen["image_id"].astype("int64").to_numpy(), "score_real": scores})
    metrics = metrics.assign(**key).astype({"n": "int64"})
    with store.transaction():
        for name, frame in (("evaluation_row", evaluation), ("evaluation_predictions", predictions), ("evaluation_metrics", metrics)):
            store.con.register(name, frame)
        store.execute("model_evaluation_insert")
        for name in ("evaluation_row", "evaluation_predictions", "evaluation_metrics"):
            store.con.unregister(name)
    values = dict(zip(metrics.loc[metrics["level"] == "image", "metric"], metrics.loc[metrics["level"] == "image", "value"], strict=True))
    return Evaluated(run["run_id"], dataset, part, len(chosen), values["accuracy"], values["auc"], False)
