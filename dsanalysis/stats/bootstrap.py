"""Bootstrap helpers: percentile intervals and resampling weights (counts) for units and images."""

from __future__ import annotations

import numpy as np


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
