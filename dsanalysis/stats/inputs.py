"""Reading the store into the tidy frames the statistics take (the only stats module that reads).

Only runs with kind 'trained' and status 'complete' count. Predictions and metrics use each run's
'test' part of a dataset, or the whole dataset (part 'all') for a dataset other than the training
one that was not split.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd

from dsanalysis.stats.ranking import cell_scores
from dsanalysis.store import Store


@dataclass
class StudyInputs:
    """Everything an analysis reads, and where its cell scores came from."""

    runs: pd.DataFrame
    predictions: pd.DataFrame
    cells: pd.DataFrame
    cell_source: str  # 'predictions', 'metrics' or 'none'
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (section, subject, message)
    video_cells: pd.DataFrame = field(default_factory=pd.DataFrame)  # video-level accuracy and auc, as cells

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
        if not self.predictions.empty:
            digest.update(pd.util.hash_pandas_object(self.predictions[["run_id", "eval_dataset", "image_id", "score_real"]],
                                                     index=False).to_numpy().tobytes())
        return {"runs": int(len(self.runs)), "train_datasets": sorted(self.runs["train_dataset"].unique().tolist()),
                "datasets": self.datasets, "cell_source": self.cell_source,
                "predictions": int(len(self.predictions)), "fingerprint": digest.hexdigest()[:16]}


def study_inputs(store: Store) -> StudyInputs:
    """Runs, per-image predictions and cell scores (from predictions, else from the metrics table)."""
    runs = store.query("stats_runs")
    predictions = store.query("stats_predictions")
    notes: list[tuple[str, str, str]] = []
    if not predictions.empty:
        cells = cell_scores(predictions)
        source = "predictions"
    else:
        metrics = store.query("stats_metrics")
        keep = metrics["metric"].isin(["accuracy", "accuracy_fake", "accuracy_real", "auc"])
        cells = metrics[keep].rename(columns={})[["run_id", "train_dataset", "config_name", "seed", "eval_dataset",
                                                  "metric", "value", "n"]].reset_index(drop=True)
        source = "metrics" if not cells.empty else "none"
        if source == "metrics":
            notes.append(("inputs", "predictions", "no per-image predictions: scores come from the metrics table "
                          "and intervals resample trials only"))
    if runs.empty:
        notes.append(("inputs", "runs", "no complete trained runs in the store: run `python -m dsanalysis train` "
                      "and `python -m dsanalysis evaluate` first"))
    nan_cells = cells["value"].isna().sum() if not cells.empty else 0
    if nan_cells:
        notes.append(("inputs", "cells", f"{nan_cells} run x dataset metric values are undefined (e.g. AUC with one "
                      "class) and are left out of averages"))
    return StudyInputs(runs, predictions, cells, source, notes, store.query("stats_video_metrics"))


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
