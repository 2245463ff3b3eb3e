"""Scoring runs on datasets: one decoded pass per dataset serves every model, one transaction per result.

For each evaluated dataset the images are read from the decoded-image cache once (per resize
method), then every requested run scores them. ``part='test'`` scores a model on the test part
of its own split on the dataset it was trained on, and on the test part of the dataset's registered
partition everywhere else (:mod:`dsanalysis.model.partitions`), so every model is tested on the same
images of each dataset; ``part='all'`` scores every usable image. Each (run, dataset, part) is written as evaluations + predictions +
metrics in one transaction, and skipped when already stored for the same images unless ``force``.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dsanalysis.detection_metrics import THRESHOLD
from dsanalysis.errors import UserError
from dsanalysis.model.cache import decoded_images
from dsanalysis.model.data import image_batches
from dsanalysis.model.metrics import detection_metrics, group_scores
from dsanalysis.model.leakage import in_domain_note
from dsanalysis.model.partitions import dataset_partition, describe, evaluation_split, named_split
from dsanalysis.model.splits import Split, SplitSettings, usable_images
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


def full_run_id(store: Store, run_id: str) -> str:
    """The stored run id that ``run_id`` is or begins (git-style unique prefix).

    Raises
    ------
    UserError
        when no stored run id starts with it, or several do (they are named).
    """
    if not run_id:
        raise UserError("a run id is empty; list runs with `python -m dsanalysis sql --query runs`")
    found = store.query("model_run_by_prefix", prefix=run_id)["run_id"].tolist()
    if not found:
        raise UserError(f"no run {run_id!r} in {store.path}; list runs with `python -m dsanalysis sql --query runs`")
    if len(found) > 1 and run_id not in found:
        shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        raise UserError(f"run id prefix {run_id!r} is ambiguous: it starts {shown}; give more characters")
    return run_id if run_id in found else found[0]


def stored_run(store: Store, run_id: str) -> dict[str, Any]:
    """The run row of ``run_id`` (or of the run it is a unique prefix of); :class:`UserError` if unknown,
    ambiguous or not complete."""
    run_id = full_run_id(store, run_id)
    row = store.query("model_run_get", run_id=run_id)
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
            store.execute("model_run_start", inputs={"run_row": row})
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


@dataclass(frozen=True)
class PlannedEvaluation:
    """One (run, dataset, part) to score: the images, the split they are the test part of, and what is stored."""

    run: dict[str, Any]
    dataset: str
    part: str
    images: pd.DataFrame  # the usable images scored (usable_images rows)
    split_id: str | None  # None for part 'all'
    stored: pd.DataFrame  # the stored evaluation row of this key (empty if none)

    @property
    def current(self) -> bool:
        """Whether the stored evaluation scored exactly this split's test part (or all images)."""
        if self.stored.empty:
            return False
        stored_split = self.stored["split_id"].iloc[0]
        stored_split = None if pd.isna(stored_split) else str(stored_split)
        return stored_split == self.split_id and int(self.stored["n_images"].iloc[0]) == len(self.images)

    @property
    def resize(self) -> str:
        """How the run's images reach its input size (:func:`run_resize`): images are decoded once per resize."""
        return run_resize(self.run)


def test_partition(store: Store, dataset: str, *, default_split: SplitSettings | None = None,
                   named: Split | None = None, report: Callable[[str], None] | None = None) -> Split:
    """The split whose test part models not trained on ``dataset`` are scored on: ``named`` when it is a split of
    ``dataset``, else the dataset's registered partition (drawn with ``default_split`` and registered if it has none)."""
    if named is not None and named.dataset == dataset:
        return named
    split, registered = dataset_partition(store, dataset, default_split, registered_by="evaluate")
    if registered and report is not None:
        report(f"{dataset} had no test partition: drew split {split.split_id} ({describe(split.settings)}, "
               f"{len(split.part('test'))} test images) and registered it for every model")
    return split


def plan_evaluations(store: Store, runs: list[dict[str, Any]], dataset: str, part: str,
                     partition: Split | None) -> list[PlannedEvaluation]:
    """What scoring each run on ``part`` of ``dataset`` means: which images, from which split (see
    :mod:`dsanalysis.model.partitions`), and whether a stored evaluation already covers exactly them."""
    if part == "test" and partition is None:
        raise ValueError("part 'test' needs the dataset's partition")
    images = usable_images(store, dataset)
    test_images: dict[str, pd.DataFrame] = {}  # per split: runs trained on one split share its test part
    planned = []
    for run in runs:
        split_id = None
        chosen = images
        if part == "test":
            split = evaluation_split(store, dataset, run, partition)
            split_id = split.split_id
            if split_id not in test_images:
                test_images[split_id] = images[images["image_id"].isin(split.part("test"))].reset_index(drop=True)
            chosen = test_images[split_id]
        stored = store.query("model_evaluation_exists", run_id=run["run_id"], dataset=dataset, part=part)
        planned.append(PlannedEvaluation(run, dataset, part, chosen, split_id, stored))
    return planned


def run_resize(run: dict[str, Any]) -> str:
    """How a run's images reach the model's input size (its configuration's ``resize``; 'nearest' for imported)."""
    return json.loads(run["config"] or "{}").get("resize", "nearest")


def plan_evaluation(
    store: Store,
    run_ids: list[str],
    datasets: list[str],
    *,
    part: str = "test",
    default_split: SplitSettings | None = None,
    split_id: str | None = None,
    report: Callable[[str], None] | None = None,
) -> list[PlannedEvaluation]:
    """The plan step of :func:`evaluate_runs`: check the request before any work, find each dataset's test
    partition (drawing and registering one with ``default_split`` where there is none), and plan every
    (dataset, run) in that order (:func:`plan_evaluations`)."""
    if part not in PARTS:
        raise UserError(f"--part must be one of {', '.join(PARTS)}, not {part!r}")
    runs = [stored_run(store, r) for r in run_ids]
    for dataset in datasets:
        usable_images(store, dataset)  # unknown or empty dataset: fail before any work
    named = named_split(store, split_id, datasets) if split_id else None
    if named is not None and part != "test":
        raise UserError("--split-id names a test part: use it with --part test")
    planned = []
    for dataset in datasets:
        partition = test_partition(store, dataset, default_split=default_split, named=named, report=report) \
            if part == "test" else None
        planned.extend(plan_evaluations(store, runs, dataset, part, partition))
    return planned


def pending_evaluations(plans: list[PlannedEvaluation], *, force: bool = False,
                        report: Callable[[str], None] | None = None) -> list[PlannedEvaluation]:
    """The plans to score: those without a current stored evaluation (all of them with ``force``); a stored
    evaluation of other images (the partition changed) is said and scored again."""
    pending = []
    for plan in plans:
        if plan.current and not force:
            continue
        if not plan.stored.empty and not plan.current and report is not None:
            report(f"{plan.run['run_id']} on {plan.dataset} {plan.part}: the stored evaluation scored other images "
                   f"(split {plan.stored['split_id'].iloc[0]}); scoring the test part of split {plan.split_id}")
        pending.append(plan)
    return pending


def record_evaluation(store: Store, plan: PlannedEvaluation, scores: np.ndarray, *, resamples: int, seed: int,
                      seconds: float, report: Callable[[str], None] | None = None) -> Evaluated:
    """The record step: store one planned evaluation's scores with their metrics (:func:`store_evaluation`, one
    transaction) and report its line; wherever the scores were computed (here, or in a Ray task)."""
    run = plan.run
    result = store_evaluation(store, run, plan.dataset, plan.part, plan.split_id, plan.images, scores, plan.resize,
                              resamples, seed, seconds)
    if report is not None:
        own = in_domain_note(store, plan.split_id) if run["train_dataset"] == plan.dataset else ""
        report(f"{run['run_id']} ({run['arch']}, trained on {run['train_dataset'] or 'imported weights'}) "
               f"on {plan.dataset} {plan.part}: accuracy {result.accuracy:.4f}, AUC {result.auc:.4f}, {result.n_images} images"
               f"{own}")
    return result


def evaluate_runs(
    store: Store,
    run_ids: list[str],
    datasets: list[str],
    *,
    part: str = "test",
    default_split: SplitSettings | None = None,
    split_id: str | None = None,
    resamples: int = 1000,
    seed: int = 0,
    batch_size: int = 64,
    force: bool = False,
    report: Callable[[str], None] | None = None,
) -> list[Evaluated]:
    """Score every run in ``run_ids`` on ``part`` of every dataset in ``datasets`` and store the results.

    With ``part='test'`` a run is scored on the test part of its own split on the dataset it was
    trained on, and on the dataset's test partition (or the split ``split_id`` names) everywhere
    else; a dataset without a partition gets one drawn with ``default_split`` (see
    :mod:`dsanalysis.model.partitions`). A stored evaluation of other images (the partition changed)
    is scored again. Plan (:func:`plan_evaluation`, :func:`pending_evaluations`), compute (here: one
    decoded pass per dataset and resize serves every model) and record (:func:`record_evaluation`);
    the Ray executor computes in its tasks between the same plan and record steps.

    Returns
    -------
    One :class:`Evaluated` per (dataset, run), datasets in the order given, then runs.
    """
    from dsanalysis.model.runtime import tensorflow

    plans = plan_evaluation(store, run_ids, datasets, part=part, default_split=default_split, split_id=split_id,
                            report=report)
    pending = pending_evaluations(plans, force=force, report=report)
    if pending:
        tensorflow()
    groups: dict[tuple[str, str], list[PlannedEvaluation]] = {}
    for plan in pending:
        groups.setdefault((plan.dataset, plan.resize), []).append(plan)
    models: dict[str, Any] = {}
    scored: dict[int, Evaluated] = {}
    for (dataset, resize), group in groups.items():
        images = usable_images(store, dataset)
        pixels, rows = decoded_images(store.path, images, method=resize)  # one decode pass for every model
        row_of = pd.Series(rows, index=images["image_id"].to_numpy())
        for plan in group:
            run = plan.run
            started = time.perf_counter()
            if run["run_id"] not in models:
                models[run["run_id"]] = load_run_model(run)
            with store.released() if not store.read_only else contextlib.nullcontext():
                scores = score_images(models[run["run_id"]], pixels,
                                      row_of[plan.images["image_id"].to_numpy()].to_numpy(), batch_size)
            scored[id(plan)] = record_evaluation(store, plan, scores, resamples=resamples, seed=seed,
                                                 seconds=time.perf_counter() - started, report=report)
    return [scored[id(plan)] if id(plan) in scored else stored_evaluation(store, plan) for plan in plans]


def stored_evaluation(store: Store, plan: PlannedEvaluation) -> Evaluated:
    """The :class:`Evaluated` of a stored, current evaluation (``skipped`` True)."""
    summary = store.query("evaluation_metrics", run_id=plan.run["run_id"])
    summary = summary[(summary["test_dataset"] == plan.dataset) & (summary["part"] == plan.part) & (summary["level"] == "image")]
    value = dict(zip(summary["metric"], summary["value"], strict=True))
    return Evaluated(plan.run["run_id"], plan.dataset, plan.part, int(plan.stored["n_images"].iloc[0]),
                     value.get("accuracy", np.nan), value.get("auc", np.nan), True)


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
        store.execute("model_evaluation_insert", inputs={"evaluation_row": evaluation, "evaluation_predictions": predictions,
                                                         "evaluation_metrics": metrics})
    values = dict(zip(metrics.loc[metrics["level"] == "image", "metric"], metrics.loc[metrics["level"] == "image", "value"], strict=True))
    return Evaluated(run["run_id"], dataset, part, len(chosen), values["accuracy"], values["auc"], False)
