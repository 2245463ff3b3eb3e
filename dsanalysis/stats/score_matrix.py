"""Per-image scores as one dense run x image matrix per evaluated dataset.

Every run evaluated on a dataset scores the same test images (the split is drawn once per dataset),
so a dataset's predictions form a matrix with one row per run and one column per image. Cell metrics
are then row-wise operations, and one bootstrap draw of test images (a weight per column, the same
for every run, so comparisons stay paired) rescores every cell at once as a matrix product. A
study of 500 runs x 20 datasets x 1,000 test images (10 million predictions) fits in 80 MB.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from dsanalysis.detection_metrics import auc_placements, is_fake

RUN_KEYS = ["run_id", "train_dataset", "config_name", "seed"]
PREDICTION_COLUMNS = [*RUN_KEYS, "eval_dataset", "image_id", "label", "score_real"]


@dataclass(frozen=True)
class ScoreMatrix:
    """The scores of every run evaluated on one dataset.

    Attributes
    ----------
    eval_dataset : str
    image_ids : (n,) int64, ascending
    fake : (n,) bool, True for fake images (the positive class)
    run_index : (k,) int, rows of :attr:`ScoreMatrices.runs`
    scores : (k, n) float64 score_real; NaN where a run did not score an image
    """

    eval_dataset: str
    image_ids: np.ndarray
    fake: np.ndarray
    run_index: np.ndarray
    scores: np.ndarray

    @cached_property
    def complete(self) -> bool:
        """Whether every run scored every image."""
        return not np.isnan(self.scores).any()

    @cached_property
    def auc_placements(self) -> tuple[np.ndarray, np.ndarray]:
        """(auc (k,), placements (k, n)) of :func:`dsanalysis.detection_metrics.auc_placements`, computed once."""
        return auc_placements(self.scores, self.fake)


@dataclass(frozen=True)
class ScoreMatrices:
    """All evaluated datasets' score matrices and the runs their rows refer to.

    Attributes
    ----------
    runs : DataFrame
        run_id, train_dataset, config_name, seed; row i is run index i.
    matrices : list of ScoreMatrix
        one per evaluated dataset, sorted by name.
    """

    runs: pd.DataFrame
    matrices: list[ScoreMatrix]

    @property
    def n_predictions(self) -> int:
        return int(sum((~np.isnan(m.scores)).sum() for m in self.matrices))

    @property
    def empty(self) -> bool:
        return not self.matrices

    @classmethod
    def from_arrays(cls, runs: pd.DataFrame, datasets: list[str], run_index: np.ndarray, eval_index: np.ndarray,
                    image_id: np.ndarray, fake: np.ndarray, score_real: np.ndarray) -> ScoreMatrices:
        """Build the matrices from one row per prediction given as integer positions.

        Parameters
        ----------
        runs : DataFrame
            run_id, train_dataset, config_name, seed; ``run_index`` points at its rows.
        datasets : list of str
            names that ``eval_index`` points at.
        run_index, eval_index, image_id, fake, score_real : arrays of equal length
            one entry per prediction; (run, evaluated dataset, image) must not repeat.
        """
        missing = [c for c in RUN_KEYS if c not in runs.columns]
        if missing:
            raise ValueError(f"column {missing[0]!r} is not in the runs table")
        run_index, eval_index = np.asarray(run_index, dtype=np.int64), np.asarray(eval_index, dtype=np.int64)
        image_id, fake = np.asarray(image_id, dtype=np.int64), np.asarray(fake, dtype=bool)
        score_real = np.asarray(score_real, dtype=float)
        if len(run_index) and (run_index.min() < 0 or run_index.max() >= len(runs)):
            raise ValueError("run_index points outside the runs table")
        matrices = []
        # a stable sort of small integers is a radix sort: linear in the number of predictions
        order = np.argsort(eval_index.astype(np.int16) if len(datasets) < 2**15 else eval_index, kind="stable")
        bounds = np.searchsorted(eval_index[order], np.arange(len(datasets) + 1))
        for e, name in enumerate(datasets):
            rows = order[bounds[e]:bounds[e + 1]]
            if not len(rows):
                continue
            image_pos, image_ids = pd.factorize(image_id[rows], sort=True)
            run_pos, run_rows = pd.factorize(run_index[rows], sort=True)
            filled = np.zeros((len(run_rows), len(image_ids)), dtype=bool)
            filled[run_pos, image_pos] = True
            if filled.sum() != len(rows):
                raise ValueError(f"dataset {name!r}: a run scored the same image twice")
            scores = np.full(filled.shape, np.nan)
            scores[run_pos, image_pos] = score_real[rows]
            labels = np.zeros(len(image_ids), dtype=bool)
            labels[image_pos] = fake[rows]  # an image's label is the same in every row
            matrices.append(ScoreMatrix(name, np.asarray(image_ids, dtype=np.int64), labels,
                                        np.asarray(run_rows, dtype=np.int64), scores))
        return cls(runs.reset_index(drop=True)[RUN_KEYS], matrices)

    @classmethod
    def from_predictions(cls, predictions: pd.DataFrame) -> ScoreMatrices:
        """Build the matrices from a tidy frame with columns run_id, train_dataset, config_name, seed,
        eval_dataset, image_id, label ('real'/'fake'), score_real."""
        missing = [c for c in PREDICTION_COLUMNS if c not in predictions.columns]
        if missing:
            raise ValueError(f"column {missing[0]!r} is not in the predictions "
                             f"(columns: {', '.join(map(str, predictions.columns))})")
        runs = predictions[RUN_KEYS].drop_duplicates("run_id").sort_values(RUN_KEYS).reset_index(drop=True)
        datasets = sorted(predictions["eval_dataset"].unique())
        run_index = pd.Index(runs["run_id"]).get_indexer(predictions["run_id"])
        eval_index = pd.Index(datasets).get_indexer(predictions["eval_dataset"])
        return cls.from_arrays(runs, datasets, run_index, eval_index, predictions["image_id"].to_numpy(),
                               is_fake(predictions["label"].to_numpy()), predictions["score_real"].to_numpy(float))

    def fingerprint_parts(self) -> list[bytes]:
        """Bytes that change whenever a score, image, label or run changes (for provenance hashes)."""
        parts = [pd.util.hash_pandas_object(self.runs, index=False).to_numpy().tobytes()]
        for m in self.matrices:
            parts += [m.eval_dataset.encode(), m.image_ids.tobytes(), m.fake.tobytes(), m.run_index.tobytes(),
                      m.scores.tobytes()]
        return parts
