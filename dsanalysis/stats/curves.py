"""Score curves of detectors from per-image scores: ROC (read as DET too) averaged over runs,
per-class score histograms and reliability (calibration) bins.

Conventions of the store (see :mod:`dsanalysis.detection_metrics`): ``score_real`` is P(real); the
ROC treats FAKE as the positive class with score ``1 - score_real``, so the true-positive rate is
the share of fakes caught and the false-positive rate the share of reals called fake. Curves of
several runs (seeds, configurations) of one training dataset are averaged vertically (Fawcett
2006): each run's true-positive rate is read at the same false-positive rates and the mean drawn,
as the cross-dataset matrix averages the runs' metrics. Histograms and reliability bins pool the
runs' scores. Every function returns a small tidy frame, so a report can embed the curves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dsanalysis.detection_metrics import is_fake, weighted_auc

#: false-positive rates the averaged ROC is read at: 0, 1 and standard-normal quantiles from -3.09 to
#: 3.09 (0.1% to 99.9%), dense near both ends, so the same points draw the ROC and, on probit axes, the DET
ROC_POINTS = 99


def fpr_grid(points: int = ROC_POINTS) -> np.ndarray:
    """The false-positive rates an averaged ROC is read at: 0, ``points`` normal quantiles, 1 (increasing)."""
    from scipy.special import ndtr  # the standard normal CDF, without importing all of scipy.stats

    return np.concatenate([[0.0], ndtr(np.linspace(-3.09, 3.09, points)), [1.0]])


def roc_at(score_real: np.ndarray, fake: np.ndarray, fpr: np.ndarray) -> np.ndarray:
    """The true-positive rate (share of fakes caught) at each false-positive rate of ``fpr``.

    Linear between the points of the empirical ROC (tied scores of both classes give a diagonal
    segment); where the ROC rises vertically at a rate of ``fpr``, the top of the rise.

    Parameters
    ----------
    score_real : array (n,)
        P(real) per image.
    fake : bool array (n,)
        True for fake images; both classes must be present.
    fpr : array (m,)
        increasing false-positive rates in [0, 1].

    Returns
    -------
    numpy.ndarray
        shape (m,), the true-positive rates.
    """
    from sklearn.metrics import roc_curve

    fake = np.asarray(fake, dtype=bool)
    if fake.all() or not fake.any():
        raise ValueError("a ROC needs both real and fake images")
    x, y, _ = roc_curve(fake, 1.0 - np.asarray(score_real, dtype=float), drop_intermediate=False)
    left = np.minimum(np.searchsorted(x, fpr, side="right") - 1, len(x) - 1)  # last ROC point at or left of each rate
    right = np.minimum(left + 1, len(x) - 1)
    width = x[right] - x[left]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(width > 0, (np.asarray(fpr) - x[left]) / width, 0.0)
    return y[left] + t * (y[right] - y[left])


def averaged_roc(frame: pd.DataFrame, *, by: Sequence[str], run: str = "run_id", label: str = "label",
                 score: str = "score_real", points: int = ROC_POINTS) -> pd.DataFrame:
    """Per group, the ROC of each run read at :func:`fpr_grid` and averaged over runs.

    Parameters
    ----------
    frame
        One row per (run, image) with columns ``by``, ``run``, ``label`` ('real'/'fake') and ``score``.
    by
        The columns that make one curve (e.g. training and evaluated dataset).
    run, label, score
        Column names. A run whose images hold one class only has no ROC and is left out.
    points
        Normal quantiles in the false-positive grid (see :func:`fpr_grid`).

    Returns
    -------
    DataFrame
        Columns ``*by``, fpr, tpr (mean over runs), fnr (1 - tpr, for the DET), auc (mean of the
        runs' own AUC, fake positive, as in the matrix; the averaged curve's area equals it up to the
        grid's resolution), n_runs; ``points`` + 2 rows
        per group, in increasing fpr.
    """
    by = list(by)
    grid = fpr_grid(points)
    columns = [*by, "fpr", "tpr", "fnr", "auc", "n_runs"]
    fake_all = is_fake(frame[label].to_numpy())  # once, not per run: a study holds millions of scores
    scores_all = frame[score].to_numpy(dtype=float)
    runs: dict[tuple, list[np.ndarray]] = {}
    for key, rows in frame.groupby([*by, run], sort=True, dropna=False).indices.items():
        runs.setdefault(tuple(key[:-1]), []).append(rows)
    parts = []
    for key, members in runs.items():
        curves, aucs = [], []
        for rows in members:
            fake, scores = fake_all[rows], scores_all[rows]
            if fake.all() or not fake.any():
                continue
            curves.append(roc_at(scores, fake, grid))
            aucs.append(float(weighted_auc(scores, fake)))
        if not curves:
            continue
        tpr = np.mean(curves, axis=0)
        parts.append(pd.DataFrame({**dict(zip(by, key, strict=True)), "fpr": grid, "tpr": tpr, "fnr": 1.0 - tpr,
                                   "auc": float(np.mean(aucs)), "n_runs": len(curves)}))
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def _bin_index(scores: np.ndarray, bins: int) -> np.ndarray:
    """Equal-width bin of each score in [0, 1] (a score of exactly 1 in the last bin)."""
    return np.clip(np.floor(np.asarray(scores, dtype=float) * bins).astype(int), 0, bins - 1)


def score_histograms(frame: pd.DataFrame, *, by: Sequence[str], label: str = "label", score: str = "score_real",
                     bins: int = 20) -> pd.DataFrame:
    """Per group and class, the share of scores in each of ``bins`` equal-width bins of [0, 1] (runs pooled).

    Returns
    -------
    DataFrame
        Columns ``*by``, label, bin_low, bin_high, count, share (count over the class's scores in the
        group; the shares of a class sum to 1); every bin of every class present, empty ones with 0.
    """
    by = list(by)
    columns = [*by, "label", "bin_low", "bin_high", "count", "share"]
    edges = np.linspace(0.0, 1.0, bins + 1)
    parts = []
    for key, group in frame.groupby([*by, label], sort=True, dropna=False):
        counts = np.bincount(_bin_index(group[score].to_numpy(), bins), minlength=bins)
        values = dict(zip([*by, "label"], key, strict=True))
        parts.append(pd.DataFrame({**values, "bin_low": edges[:-1], "bin_high": edges[1:], "count": counts,
                                   "share": counts / counts.sum()}))
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def reliability_bins(frame: pd.DataFrame, *, by: Sequence[str], label: str = "label", score: str = "score_real",
                     bins: int = 10) -> pd.DataFrame:
    """Reliability diagram data: per group and equal-width bin of P(real), the mean predicted P(real) and
    the share of images that are real (runs pooled). A calibrated detector has the two equal.

    Returns
    -------
    DataFrame
        Columns ``*by``, bin_low, bin_high, mean_score (mean P(real) in the bin), real_share (observed
        share of real images), n (scores in the bin); empty bins are left out.
    """
    by = list(by)
    columns = [*by, "bin_low", "bin_high", "mean_score", "real_share", "n"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    data = frame[by].assign(bin=_bin_index(frame[score].to_numpy(), bins), score=frame[score].astype(float),
                            real=~is_fake(frame[label].to_numpy()))
    table = (data.groupby([*by, "bin"], sort=True, dropna=False)
             .agg(mean_score=("score", "mean"), real_share=("real", "mean"), n=("score", "size")).reset_index())
    table["bin_low"] = table["bin"] / bins
    table["bin_high"] = (table["bin"] + 1) / bins
    return table[columns]
