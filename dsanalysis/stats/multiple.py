"""Multiple-comparison corrections: Benjamini-Hochberg false discovery rate and Holm's step-down."""

from __future__ import annotations

import numpy as np
import pandas as pd


def benjamini_hochberg(p_values: np.ndarray | pd.Series | list[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) controlling the false discovery rate.

    NaN p-values (tests that could not be run) stay NaN and do not count as tests.

    Returns
    -------
    numpy.ndarray
        q-values in the input order: ``min(1, min_{j >= i} p_(j) m / j)`` over the sorted p-values.
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    order = np.argsort(p[ok])
    ranked = p[ok][order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    out = np.empty(m)
    out[order] = adjusted
    q[ok] = out
    return q


def holm(p_values: np.ndarray | pd.Series | list[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error rate); NaN stays NaN.

    Returns
    -------
    numpy.ndarray
        adjusted p-values in the input order: ``max_{j <= i} min(1, (m - j + 1) p_(j))``.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted_all = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return adjusted_all
    order = np.argsort(p[ok])
    ranked = np.minimum(1.0, p[ok][order] * (m - np.arange(m)))
    adjusted = np.maximum.accumulate(ranked)
    out = np.empty(m)
    out[order] = adjusted
    adjusted_all[ok] = out
    return adjusted_all
