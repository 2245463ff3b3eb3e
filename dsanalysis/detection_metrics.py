"""The one definition of every detection metric: decision rule, rates, AUC family, AP/EER and intervals.

The stored ``metrics`` table (:mod:`dsanalysis.model.metrics`), the training's learning check, the
verdicts of single files (:mod:`dsanalysis.model.predict`) and the statistics (:mod:`dsanalysis.stats`)
all compute from here, so a cell's accuracy or AUC is the same number wherever a page shows it. This
module imports neither TensorFlow nor the store; scipy and scikit-learn only inside the functions
that need them.

Conventions
-----------
* ``score_real`` is the model's output, P(real) (targets: real = 1, fake = 0, as MesoNet).
* Decision rule: an image is called real when ``score_real > THRESHOLD`` (0.5), else fake, so a score
  of exactly 0.5 is a *fake* call. This is the rule of Keras' ``BinaryAccuracy`` (``y_pred >
  threshold``), which produces the accuracy of the training history: training curves, stored
  metrics and statistics count the same images as correct. An unscored image (NaN) is called nothing.
* Ranking metrics (AUC, AP, EER, TPR@FPR) treat FAKE as the positive class with score
  ``1 - score_real``. The AUC is P(a fake scores lower on ``score_real`` than a real) + P(tie) / 2,
  the Mann-Whitney statistic with mid-ranks, equal to scikit-learn's ``roc_auc_score(fake, -score_real)``;
  every form here (plain, weighted by image counts, DeLong placements) keeps that tie convention.
* Intervals: percentile bootstrap (linear interpolation between order statistics, NaN replicates
  left out) over resampling counts (how often each image or run is drawn: the weights of the
  weighted metrics), and Wilson's score interval for a proportion.
"""

from __future__ import annotations

import numpy as np

#: the decision threshold: ``score_real > THRESHOLD`` is a real call (see :func:`is_real`)
THRESHOLD = 0.5
#: the AUC of a detector that ranks at random
CHANCE_AUC = 0.5
#: the range of every rate scored here (accuracy, per-class accuracy, error rates, AUC): intervals stay in it
SCORE_RANGE = (0.0, 1.0)


# --- labels and the decision rule ---------------------------------------------------------------------------

def is_fake(labels: np.ndarray) -> np.ndarray:
    """Boolean positives (fake) from the store's 'real'/'fake' labels; anything else is an error."""
    labels = np.asarray(labels).astype(str)
    bad = ~np.isin(labels, ["real", "fake"])
    if bad.any():
        raise ValueError(f"label column holds {labels[bad][0]!r}; expected 'real' or 'fake'")
    return labels == "fake"


def is_real(score_real: np.ndarray | float, threshold: float = THRESHOLD) -> np.ndarray:
    """The decision rule: True where the image is called real (``score_real > threshold``); False for
    a score of exactly ``threshold`` (a fake call) and for NaN (unscored)."""
    return np.greater(np.asarray(score_real, dtype=float), threshold)


def predicted_labels(score_real: np.ndarray | float, threshold: float = THRESHOLD) -> np.ndarray:
    """'real' or 'fake' per score by :func:`is_real` (an unscored NaN reads 'fake'; mask it first)."""
    return np.where(is_real(score_real, threshold), "real", "fake")


def correct_calls(score_real: np.ndarray, fake: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """Bool, shape of ``score_real`` ((n,) or (k, n)): the image is called correctly; False where unscored (NaN).

    ``fake`` (n,) is True for fake images and broadcasts over the rows of ``score_real``.
    """
    scores = np.asarray(score_real, dtype=float)
    called_real = is_real(scores, threshold)
    return np.where(np.asarray(fake, dtype=bool), ~called_real, called_real) & ~np.isnan(scores)


# --- rates: accuracy, per-class accuracy, error rates -------------------------------------------------------

def weighted_rates(score_real: np.ndarray, fake: np.ndarray, weights: np.ndarray | None = None,
                   threshold: float = THRESHOLD) -> dict[str, np.ndarray]:
    """Accuracy, per-class accuracy and error rates of one or many score rows under one or many weightings.

    Parameters
    ----------
    score_real : array (n,) or (k, n)
        one row per run; NaN where a run did not score an image (left out).
    fake : bool array (n,)
    weights : array (n,) or (b, n), optional
        non-negative image weights, e.g. bootstrap counts; default all ones. The arithmetic runs in
        their dtype if floating (float32 halves the cost of big bootstraps), else in float64.

    Returns
    -------
    dict of numpy.ndarray
        'accuracy', 'accuracy_fake' (= 1 - FNR), 'accuracy_real' (= 1 - FPR), 'fpr' (real called fake /
        real), 'fnr' (fake called real / fake); shape () for 1-D scores and weights, (b,) for 1-D scores
        and 2-D weights, (k,) for 2-D scores and 1-D weights, (b, k) for both 2-D; NaN where the
        denominator is zero.
    """
    scores = np.asarray(score_real, dtype=float)
    fake = np.asarray(fake, dtype=bool)
    w = np.ones(scores.shape[-1]) if weights is None else np.asarray(weights)
    dtype = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
    w = w.astype(dtype, copy=False)
    s2, w2 = np.atleast_2d(scores), np.atleast_2d(w)
    correct = correct_calls(s2, fake, threshold)
    complete = not np.isnan(s2).any()
    hits, total = {}, {}
    for side, columns in (("fake", fake), ("real", ~fake)):
        c = w2[:, columns]
        hits[side] = c @ correct[:, columns].T.astype(dtype)  # (b, k)
        total[side] = c.sum(axis=1, keepdims=True) if complete else c @ (~np.isnan(s2[:, columns])).T.astype(dtype)
    with np.errstate(invalid="ignore", divide="ignore"):  # each (b, k)
        out = {"accuracy": (hits["fake"] + hits["real"]) / (total["fake"] + total["real"]),
               "accuracy_fake": hits["fake"] / total["fake"], "accuracy_real": hits["real"] / total["real"]}
    out["fpr"], out["fnr"] = 1.0 - out["accuracy_real"], 1.0 - out["accuracy_fake"]
    index = (0 if w.ndim == 1 else slice(None), 0 if scores.ndim == 1 else slice(None))
    return {metric: value[index] for metric, value in out.items()}


# --- the AUC family (fake positive, ties one half) ----------------------------------------------------------

def weighted_auc(score_real: np.ndarray, fake: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """AUC with fake as positive, for one or many weight vectors (ties count one half).

    Parameters
    ----------
    score_real : array (n,)
    fake : bool array (n,)
    weights : array (n,) or (b, n), optional
        non-negative image weights, e.g. bootstrap counts; default all ones. Integer weights give the
        AUC of the images repeated that often.

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
    if not len(score_real):
        auc = np.full(len(w), np.nan)
        return auc[0] if squeeze else auc
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


def auc(score_real: np.ndarray, fake: np.ndarray) -> float:
    """The plain AUC (fake positive, ties one half) of one set of scores; NaN with one class."""
    return float(weighted_auc(score_real, fake))


def auc_placements(scores: np.ndarray, fake: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's AUC (fake = positive) and each image's placement (DeLong's structural components).

    The placement of a fake image is the share of real images scored more real than it; that of a
    real image is the share of fake images scored less real (ties count one half). A row's AUC is
    the mean placement over its fake images, and equally over its real images; it equals
    :func:`weighted_auc` of the row's scored images.

    Parameters
    ----------
    scores : array (k, n)
        score_real, one row per run; NaN where a run did not score an image.
    fake : bool array (n,)

    Returns
    -------
    tuple
        auc (k,) with NaN where a row has one class only; placements (k, n) with NaN where unscored.
    """
    scores = np.asarray(scores, dtype=float)
    fake_images = np.asarray(fake, dtype=bool)
    k, n = scores.shape
    order = np.argsort(scores, axis=1, kind="stable")  # unscored (NaN) images sort last
    ordered = np.take_along_axis(scores, order, axis=1)
    present = ~np.isnan(ordered)
    fake = fake_images[order] & present
    real = ~fake_images[order] & present
    # each position's tie group [first, last] among equal scores
    position = np.broadcast_to(np.arange(n), (k, n))
    starts = np.ones((k, n), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ends = np.ones((k, n), dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
    last = np.minimum.accumulate(np.where(ends, position, n - 1)[:, ::-1], axis=1)[:, ::-1]

    def lower_and_tied(members: np.ndarray) -> np.ndarray:
        """Members scored lower than each position, plus half of those tied with it."""
        through = np.cumsum(members, axis=1)
        below = np.take_along_axis(through - members, first, axis=1)
        tied = np.take_along_axis(through, last, axis=1) - below
        return below + 0.5 * tied

    n_fake = fake.sum(axis=1, keepdims=True).astype(float)
    n_real = real.sum(axis=1, keepdims=True).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ordered_placements = np.where(fake, 1.0 - lower_and_tied(real) / n_real,
                                      np.where(real, lower_and_tied(fake) / n_fake, np.nan))
        auc = np.where(fake, ordered_placements, 0.0).sum(axis=1) / n_fake[:, 0]
    auc[(n_fake[:, 0] == 0) | (n_real[:, 0] == 0)] = np.nan
    placements = np.empty_like(ordered_placements)
    np.put_along_axis(placements, order, ordered_placements, axis=1)
    return auc, placements


# --- threshold-free curve metrics: AP, EER, TPR at a false-positive rate ------------------------------------

def average_precision(fake: np.ndarray, fake_score: np.ndarray) -> float:
    """Average precision with fake as positive (scikit-learn's step-wise definition)."""
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(fake, fake_score))


def equal_error_rate(fake: np.ndarray, fake_score: np.ndarray) -> float:
    """The rate where false-positive and false-negative rates meet (linear interpolation on the ROC)."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(fake, fake_score)
    fnr = 1.0 - tpr
    gap = fnr - fpr  # falls from 1 to -1 along the curve
    i = int(np.argmax(gap <= 0))
    if i == 0:
        return float(fpr[0])
    t = gap[i - 1] / (gap[i - 1] - gap[i])
    return float(fpr[i - 1] + t * (fpr[i] - fpr[i - 1]))


def tpr_at_fpr(fake: np.ndarray, fake_score: np.ndarray, max_fpr: float) -> float:
    """Highest true-positive (fake caught) rate among thresholds whose false-positive rate is <= max_fpr."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(fake, fake_score)
    return float(tpr[fpr <= max_fpr + 1e-12].max())


# --- intervals ----------------------------------------------------------------------------------------------

def percentile_interval(samples: np.ndarray, confidence: float = 0.95, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of ``samples`` along ``axis``, ignoring NaN replicates.

    Returns
    -------
    tuple of numpy.ndarray
        (low, high): the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles.
    """
    tail = (1.0 - confidence) / 2.0
    samples = np.asarray(samples, dtype=float)
    if samples.size == 0 or np.all(np.isnan(samples)):
        shape = np.delete(np.array(samples.shape), axis) if samples.ndim > 1 else ()
        nan = np.full(tuple(shape), np.nan)
        return nan, nan
    low = np.nanquantile(samples, tail, axis=axis)
    high = np.nanquantile(samples, 1.0 - tail, axis=axis)
    return low, high


def resample_counts(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    """How often each of ``n`` units is drawn in each of ``n_boot`` bootstrap resamples.

    Returns
    -------
    numpy.ndarray
        integer array (n_boot, n); each row sums to ``n``.
    """
    if n == 0:
        return np.zeros((n_boot, 0), dtype=np.int64)
    # n uniform draws per resample, counted: the same multinomial distribution as
    # rng.multinomial(n, [1/n] * n), an order of magnitude faster for thousands of units
    draws = rng.integers(0, n, size=(n_boot, n)) + (np.arange(n_boot) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=n_boot * n).reshape(n_boot, n)


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


def bootstrap_intervals(labels: np.ndarray, score_real: np.ndarray, *, resamples: int = 1000, seed: int = 0,
                        level: float = 0.95, threshold: float = THRESHOLD) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals for accuracy and AUC of one set of scores, resampling within each
    class (seeded; the class sizes stay fixed, so the AUC is defined in every replicate).

    Returns
    -------
    {'accuracy': (low, high), 'auc': (low, high)}
    """
    fake = is_fake(labels)
    score_real = np.asarray(score_real, dtype=np.float64)
    rng = np.random.default_rng(seed)
    fake_at, real_at = np.flatnonzero(fake), np.flatnonzero(~fake)
    picks = np.concatenate([rng.choice(fake_at, (resamples, len(fake_at))),
                            rng.choice(real_at, (resamples, len(real_at)))], axis=1)
    # how often each image is drawn in each resample: the weights of the weighted metrics
    counts = np.bincount((picks + (np.arange(resamples) * len(score_real))[:, None]).ravel(),
                         minlength=resamples * len(score_real)).reshape(resamples, len(score_real))
    accuracy = weighted_rates(score_real, fake, counts, threshold)["accuracy"]
    auc_replicates = weighted_auc(score_real, fake, counts)
    out = {}
    for name, replicates in (("accuracy", accuracy), ("auc", auc_replicates)):
        low, high = percentile_interval(replicates, level)
        out[name] = (float(low), float(high))
    return out
