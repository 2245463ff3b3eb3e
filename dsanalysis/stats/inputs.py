"""Reading the store into the tidy frames the statistics take (the only stats module that reads).

Only runs with kind 'trained' and status 'complete' count. Predictions and metrics use each run's
'test' part of a dataset, or the whole dataset (part 'all') for a dataset other than the training
one that was not split.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from dsanalysis.stats.pairing import kept_images, paired_scores
from dsanalysis.stats.ranking import cell_scores
from dsanalysis.stats.score_matrix import ScoreMatrices
from dsanalysis.store import Store


@dataclass
class StudyInputs:
    """Everything an analysis reads, and where its cell scores came from.

    ``scores`` holds the per-image predictions compactly (run x image matrices); the tidy
    ``predictions`` frame (with group and content hash per image, for the image-level and subgroup
    analyses) is read from the store the first time it is asked for.
    """

    runs: pd.DataFrame
    scores: ScoreMatrices
    cells: pd.DataFrame
    cell_source: str  # 'predictions', 'metrics' or 'none'
    notes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (section, subject, kind, message)
    video_cells: pd.DataFrame = field(default_factory=pd.DataFrame)  # video-level accuracy and auc, as cells
    read_predictions: Callable[[], pd.DataFrame] | None = None
    _predictions: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def predictions(self) -> pd.DataFrame:
        """run_id, train_dataset, config_name, seed, eval_dataset, part, image_id, label, group_id,
        content_hash, score_real (empty when nothing was evaluated)."""
        if self._predictions is None:
            self._predictions = self.read_predictions() if self.read_predictions and not self.scores.empty \
                else pd.DataFrame()
        return self._predictions

    @property
    def datasets(self) -> list[str]:
        if self.cells.empty:
            return []
        return sorted(set(self.cells["train_dataset"]) | set(self.cells["eval_dataset"]))

    def summary(self) -> dict:
        """JSON-able description of the inputs, with a fingerprint of the rows that shape results."""
        digest = hashlib.sha256()
        for frame in (self.runs, self.cells):
            digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        for part in self.scores.fingerprint_parts():
            digest.update(part)
        return {"runs": int(len(self.runs)), "train_datasets": sorted(self.runs["train_dataset"].unique().tolist()),
                "datasets": self.datasets, "cell_source": self.cell_source,
                "predictions": self.scores.n_predictions, "fingerprint": digest.hexdigest()[:16]}


def score_matrices(store: Store, runs: pd.DataFrame, arm: str | None = None) -> ScoreMatrices:
    """The predictions of the runs that count as run x image matrices (``runs``: the stats_runs rows of ``arm``)."""
    columns = store.query_arrays("stats_prediction_scores", arm=arm)
    datasets = store.query("registered_dataset_names")["dataset"].tolist()
    return ScoreMatrices.from_arrays(runs, datasets, columns["run_index"], columns["eval_index"], columns["image_id"],
                                     columns["fake"], columns["score_real"])


def study_inputs(store: Store, *, common_images: bool = False, arm: str | None = None) -> StudyInputs:
    """Runs, per-image predictions and cell scores (from predictions, else from the metrics table).

    The runs are those trained on whole training parts, or with ``arm`` those trained on the
    intervention arms of that name (e.g. 'matched': every dataset at the same training size).

    Every model must have been scored on the same images of each evaluated dataset
    (:func:`dsanalysis.stats.pairing.paired_scores`): otherwise :class:`UserError`, or with
    ``common_images`` every model is compared on the images all of them scored, with a note.
    """
    runs = store.query("stats_runs", arm=arm)
    scores, restricted = paired_scores(score_matrices(store, runs, arm), common_images=common_images)
    notes: list[tuple[str, str, str, str]] = [("inputs", "pairing", "caution", message) for message in restricted]
    kept = kept_images(scores) if restricted else None

    def read_predictions() -> pd.DataFrame:
        frame = store.query("stats_predictions", arm=arm)
        return frame if kept is None else frame.merge(kept, on=["eval_dataset", "image_id"], how="inner")

    video_cells = store.query("stats_video_metrics", arm=arm)
    if restricted and not video_cells.empty:
        video_cells = video_cells.iloc[0:0]
        notes.append(("inputs", "videos", "not_estimable", "video-level scores left out: they come from each evaluation's stored "
                      "metrics over all of its images, not the images every model scored"))
    if not scores.empty:
        cells = cell_scores(scores)
        source = "predictions"
    else:
        metrics = store.query("stats_metrics", arm=arm)
        keep = metrics["metric"].isin(["accuracy", "accuracy_fake", "accuracy_real", "auc"])
        cells = metrics[keep][["run_id", "train_dataset", "config_name", "seed", "eval_dataset",
                               "metric", "value", "n"]].reset_index(drop=True)
        source = "metrics" if not cells.empty else "none"
        if source == "metrics":
            notes.append(("inputs", "predictions", "caution", "no per-image predictions: scores come from the metrics table, "
                          "intervals resample trials only, and whether every model was scored on the same images "
                          "cannot be checked"))
    if runs.empty:
        notes.append(("inputs", "runs", "not_estimable", "no complete trained runs in the store: run `python -m dsanalysis train` "
                      "and `python -m dsanalysis evaluate` first"))
    nan_cells = cells["value"].isna().sum() if not cells.empty else 0
    if nan_cells:
        notes.append(("inputs", "cells", "caution", f"{nan_cells} run x dataset metric values are undefined (e.g. AUC with one "
                      "class) and are left out of averages"))
    return StudyInputs(runs, scores, cells, source, notes, video_cells, read_predictions=read_predictions)


def intervention_inputs(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The controlled-subset experiments' inputs of :mod:`dsanalysis.stats.interventions`.

    Returns
    -------
    (scores: intervention, kind, dataset, arm, trait, n_per_class, seed, eval_dataset, metric, value, learned,
    run_id (internal query stats_arm_scores); contrasts: intervention, kind, dataset, arm, measure, trait_mean,
    trait_sd, parent_mean, parent_sd, n_real, n_fake (stats_arm_contrasts); problems: intervention, dataset,
    reason, for interventions without arms on a dataset (stats_arm_problems))
    """
    return store.query("stats_arm_scores"), store.query("stats_arm_contrasts"), store.query("stats_arm_problems")


def dataset_traits(store: Store, trait_class: str = "all") -> pd.DataFrame:
    """dataset, trait, value, n of one class."""
    return store.query("stats_dataset_traits", trait_class=trait_class)


def pair_traits(store: Store) -> pd.DataFrame:
    """dataset_a, dataset_b, trait, value."""
    return store.query("stats_pair_traits")


def image_descriptors(store: Store) -> pd.DataFrame:
    """image_id, attribute ('extractor.trait' or 'user.<column>'), value (numeric or NULL), category."""
    traits = store.query("stats_image_traits")
    attributes = store.query("stats_image_attributes")
    attributes["value"] = float("nan")
    return pd.concat([traits, attributes[["image_id", "attribute", "value", "category"]]], ignore_index=True)


def params_json(params: dict) -> str:
    return json.dumps(params, sort_keys=True, default=str)
