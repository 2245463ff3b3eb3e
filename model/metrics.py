"""Detection metrics from per-image scores, with seeded bootstrap intervals and group- and video-level variants.

Inputs are text labels ('real'/'fake') and ``score_real`` = P(real). An image is predicted real
when ``score_real > 0.5``. Ranking metrics (AUC, AP, EER, TPR@FPR) treat FAKE as the positive
class with score ``1 - score_real``, as detection benchmarks do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

THRESHOLD = 0.5
#: Metrics that get bootstrap confidence intervals.
BOOTSTRAPPED = ("accuracy", "auc")


def equal_error_rate(is_fake: np.ndarray, fake_score: np.ndarray) -> float:
    """The rate where false-positive and false-negative rates meet (linear interpolation on the ROC)."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(is_fake, fake_score)
    fnr = 1.0 - tpr
    gap = fnr - fpr  # falls from 1 to -1 along the curve
    i = int(np.argmax(gap <= 0))
    if i == 0:
        return float(fpr[0])
    t = gap[i - 1] / (gap[i - 1] - gap[i])
    return float(fpr[i - 1] + t * (fpr[i] - fpr[i - 1]))


def tpr_at_fpr(is_fake: np.ndarray, fake_score: np.ndarray, max_fpr: float) -> float:
    """Highest true-positive (fake caught) rate among thresholds whose false-positive rate is <= max_fpr."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(is_fake, fake_score)
    return float(tpr[fpr <= max_fpr + 1e-12].max())


def _auc_by_ranks(fake_score: np.ndarray, is_fake: np.ndarray) -> np.ndarray:
    """ROC AUC of each row of ``fake_score`` (Mann-Whitney U with mid-ranks for ties)."""
    from scipy.stats import rankdata

    ranks = rankdata(fake_score, axis=-1)
    n_pos = is_fake.sum(axis=-1)
    n_neg = is_fake.shape[-1] - n_pos
    return ((ranks * is_fake).sum(axis=-1) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def bootstrap_intervals(labels: np.ndarray, score_real: np.ndarray, *, resamples: int = 1000, seed: int = 0,
                        level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals for accuracy and AUC, resampling within each class (seeded).

    Returns
    -------
    {'accuracy': (low, high), 'auc': (low, high)}
    """
    is_fake = np.asarray(labels) == "fake"
    score_real = np.asarray(score_real, dtype=np.float64)
    rng = np.random.default_rng(seed)
    fake_at, real_at = np.flatnonzero(is_fake), np.flatnonzero(~is_fake)
    picks = np.concatenate([rng.choice(fake_at, (resamples, len(fake_at))),
                            rng.choice(real_at, (resamples, len(real_at)))], axis=1)
    fake_rows = np.zeros(picks.shape, dtype=bool)
    fake_rows[:, : len(fake_at)] = True
    correct = (score_real > THRESHOLD) != is_fake
    accuracy = correct[picks].mean(axis=1)
    auc = _auc_by_ranks(1.0 - score_real[picks], fake_rows)
    tail = (1 - level) / 2 * 100
    return {name: (float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail)))
            for name, v in (("accuracy", accuracy), ("auc", auc))}


def detection_metrics(labels: np.ndarray, score_real: np.ndarray, *, resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Every stored metric for one set of scored images.

    Parameters
    ----------
    labels
        'real' or 'fake' per image; both classes must be present.
    score_real
        Model output per image, P(real).
    resamples, seed
        Bootstrap resamples (0: no intervals) and their seed.

    Returns
    -------
    DataFrame with columns metric, value, ci_low, ci_high, n. Metrics: accuracy, accuracy_fake,
    accuracy_real, balanced_accuracy, auc, ap, eer, log_loss, brier, tpr_at_fpr_1pct,
    tpr_at_fpr_10pct, n_images, n_fake, n_real.
    """
    from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score, brier_score_loss,
                                 log_loss, roc_auc_score)

    labels = np.asarray(labels)
    score_real = np.asarray(score_real, dtype=np.float64)
    if len(labels) != len(score_real):
        raise ValueError("labels and score_real differ in length")
    is_fake = (labels == "fake").astype(int)
    if is_fake.sum() == 0 or is_fake.sum() == len(is_fake):
        raise ValueError("label column must hold both 'real' and 'fake' to compute detection metrics")
    predicted_fake = (score_real <= THRESHOLD).astype(int)
    fake_score = 1.0 - score_real
    values = {
        "accuracy": accuracy_score(is_fake, predicted_fake),
        "accuracy_fake": float(predicted_fake[is_fake == 1].mean()),
        "accuracy_real": float(1 - predicted_fake[is_fake == 0].mean()),
        "balanced_accuracy": balanced_accuracy_score(is_fake, predicted_fake),
        "auc": roc_auc_score(is_fake, fake_score),
        "ap": average_precision_score(is_fake, fake_score),
        "eer": equal_error_rate(is_fake, fake_score),
        "log_loss": log_loss(is_fake, np.clip(fake_score, 1e-7, 1 - 1e-7), labels=[0, 1]),
        "brier": brier_score_loss(is_fake, fake_score),
        "tpr_at_fpr_1pct": tpr_at_fpr(is_fake, fake_score, 0.01),
        "tpr_at_fpr_10pct": tpr_at_fpr(is_fake, fake_score, 0.10),
        "n_images": len(labels),
        "n_fake": int(is_fake.sum()),
        "n_real": int(len(labels) - is_fake.sum()),
    }
    intervals = bootstrap_intervals(labels, score_real, resamples=resamples, seed=seed) if resamples else {}
    rows = [{"metric": k, "value": float(v), "ci_low": intervals.get(k, (np.nan, np.nan))[0],
             "ci_high": intervals.get(k, (np.nan, np.nan))[1], "n": len(labels)} for k, v in values.items()]
    return pd.DataFrame(rows)


def group_scores(frame: pd.DataFrame, by: str = "group_id", how: str = "mean") -> pd.DataFrame:
    """Scores aggregated per group (video, identity): one row per (group, label) of grouped images.

    Parameters
    ----------
    frame
        Columns ``by``, label, score_real; rows where ``by`` is missing are left out.
    by
        The grouping column: 'group_id' (video or identity), or 'source_path' (the video a frame was cut from).
    how
        'mean' (as the MesoNet paper and current benchmarks score videos) or 'median' of the scores.

    Returns
    -------
    DataFrame with columns ``by``, label, score_real, n_images.
    """
    if how not in ("mean", "median"):
        raise ValueError(f"how must be 'mean' or 'median', not {how!r}")
    if by not in frame.columns:
        raise ValueError(f"frame has no column {by!r} to group by")
    grouped = frame.dropna(subset=[by])
    return (grouped.groupby([by, "label"], as_index=False)
            .agg(score_real=("score_real", how), n_images=("score_real", "size")))
