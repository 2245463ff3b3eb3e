"""Detection metrics on scores, with optional per-image weights (bootstrap counts).

Conventions of the store: ``score_real`` is P(real); an image is called real when
``score_real >= threshold`` (0.5, the MesoNet convention). Detection metrics treat FAKE as the
positive class: a false positive is a real image called fake, a false negative a fake called real,
and the AUC is the probability that a fake image scores lower on ``score_real`` than a real one.
"""

from __future__ import annotations

import numpy as np

THRESHOLD = 0.5
#: the range of every rate scored here (accuracy, per-class accuracy, error rates, AUC): intervals stay in it
SCORE_RANGE = (0.0, 1.0)


def is_fake(labels: np.ndarray) -> np.ndarray:
    """Boolean positives (fake) from the store's 'real'/'fake' labels; anything else is an error."""
    labels = np.asarray(labels).astype(str)
    bad = ~np.isin(labels, ["real", "fake"])
    if bad.any():
        raise ValueError(f"label column holds {labels[bad][0]!r}; expected 'real' or 'fake'")
    return labels == "fake"


def weighted_auc(score_real: np.ndarray, fake: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """AUC with fake as positive, for one or many weight vectors (ties count one half).

    Parameters
    ----------
    score_real : array (n,)
    fake : bool array (n,)
    weights : array (n,) or (b, n), optional
        non-negative image weights, e.g. bootstrap counts; default all ones.

    Returns
    -------
    numpy.ndarray
        shape () for 1-D weights, (b,) for 2-D; NaN where a class has zero weight.
    """
    score_real = np.asarray(score_real, dtype=float)
    fake = np.asarray(fake, dtype=bool)
    w = np.ones_like(score_real) if weights is None else np.asarray(weights, dtype=float)
    squeeze = w.ndim == 1
    w = np.atleast_2d(w)
    order = np.argsort(score_real, kind="mergesort")
    s = score_real[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    wf = np.add.reduceat(w[:, order] * fake[order], starts, axis=1)  # fake weight per distinct score
    wr = np.add.reduceat(w[:, order] * ~fake[order], starts, axis=1)
    total_f, total_r = wf.sum(axis=1), wr.sum(axis=1)
    real_above = total_r[:, None] - np.cumsum(wr, axis=1)  # real weight with a strictly higher score_real
    pairs = (wf * (real_above + 0.5 * wr)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = np.where((total_f > 0) & (total_r > 0), pairs / (total_f * total_r), np.nan)
    return auc[0] if squeeze else auc


def weighted_rates(score_real: np.ndarray, fake: np.ndarray, weights: np.ndarray | None = None,
                   threshold: float = THRESHOLD) -> dict[str, np.ndarray]:
    """Accuracy, per-class accuracy and error rates for one or many weight vectors.

    Returns
    -------
    dict of numpy.ndarray
        'accuracy', 'accuracy_fake' (= 1 - FNR), 'accuracy_real' (= 1 - FPR), 'fpr' (real called
        fake / real), 'fnr' (fake called real / fake); NaN where the denominator is zero.
    """
    score_real = np.asarray(score_real, dtype=float)
    fake = np.asarray(fake, dtype=bool)
    w = np.ones_like(score_real) if weights is None else np.asarray(weights, dtype=float)
    called_real = score_real >= threshold
    correct = np.where(fake, ~called_real, called_real)
    with np.errstate(invalid="ignore", divide="ignore"):
        n = w.sum(axis=-1)
        n_fake = (w * fake).sum(axis=-1)
        n_real = (w * ~fake).sum(axis=-1)
        acc = (w * correct).sum(axis=-1) / n
        acc_fake = (w * (correct & fake)).sum(axis=-1) / n_fake
        acc_real = (w * (correct & ~fake)).sum(axis=-1) / n_real
    return {"accuracy": acc, "accuracy_fake": acc_fake, "accuracy_real": acc_real,
            "fpr": 1.0 - acc_real, "fnr": 1.0 - acc_fake}


def wilson_interval(successes: np.ndarray | float, n: np.ndarray | float, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (NaN where n is 0).

    Returns
    -------
    tuple of numpy.ndarray
        (low, high)
    """
    from scipy.stats import norm

    z = norm.ppf(0.5 + confidence / 2.0)
    k = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return low, high
