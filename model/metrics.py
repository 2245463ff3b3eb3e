"""The stored metrics of one evaluation, with seeded bootstrap intervals and group- and video-level variants.

Inputs are text labels ('real'/'fake') and ``score_real`` = P(real). Every metric comes from
:mod:`dsanalysis.detection_metrics`, the rule the statistics use too: an image is predicted real
when ``score_real > 0.5`` (exactly 0.5 is fake); ranking metrics (AUC, AP, EER, TPR@FPR) treat FAKE
as the positive class with score ``1 - score_real``, as detection benchmarks do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsanalysis.detection_metrics import (auc, average_precision, bootstrap_intervals, equal_error_rate, is_fake,
                                          tpr_at_fpr, weighted_rates)

#: Metrics that get bootstrap confidence intervals.
BOOTSTRAPPED = ("accuracy", "auc")


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
    from sklearn.metrics import brier_score_loss, log_loss

    labels = np.asarray(labels)
    score_real = np.asarray(score_real, dtype=np.float64)
    if len(labels) != len(score_real):
        raise ValueError("labels and score_real differ in length")
    fake = is_fake(labels)
    if fake.all() or not fake.any():
        raise ValueError("label column must hold both 'real' and 'fake' to compute detection metrics")
    rates = weighted_rates(score_real, fake)
    fake_score = 1.0 - score_real
    positive = fake.astype(int)
    values = {
        "accuracy": rates["accuracy"],
        "accuracy_fake": rates["accuracy_fake"],
        "accuracy_real": rates["accuracy_real"],
        "balanced_accuracy": (rates["accuracy_fake"] + rates["accuracy_real"]) / 2,
        "auc": auc(score_real, fake),
        "ap": average_precision(positive, fake_score),
        "eer": equal_error_rate(positive, fake_score),
        "log_loss": log_loss(positive, np.clip(fake_score, 1e-7, 1 - 1e-7), labels=[0, 1]),
        "brier": brier_score_loss(positive, fake_score),
        "tpr_at_fpr_1pct": tpr_at_fpr(positive, fake_score, 0.01),
        "tpr_at_fpr_10pct": tpr_at_fpr(positive, fake_score, 0.10),
        "n_images": len(labels),
        "n_fake": int(fake.sum()),
        "n_real": int(len(labels) - fake.sum()),
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
