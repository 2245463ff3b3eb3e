"""Mantel permutation test between two item-by-item matrices (e.g. distance and transfer loss).

Cells of such matrices are not independent (every cell of row i shares dataset i), so the null
distribution permutes items: the same reordering of rows and columns of one matrix.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from scipy import stats

from dsanalysis.stats.correlation import coefficient_rows
from dsanalysis.stats import tables

COLUMNS = tables.MANTEL.without("trait")  # the stored table leads with the distance trait
EXACT_MAX_ITEMS = 7


def mantel_test(a: pd.DataFrame, b: pd.DataFrame, *, method: str = "pearson", n_perm: int = 9999,
                seed: int = 0) -> pd.DataFrame:
    """Correlation of the off-diagonal cells of two square matrices with a permutation p-value.

    Parameters
    ----------
    a, b : DataFrame
        square matrices indexed by item on both axes (need not be symmetric); only items present in
        both are used; NaN cells are left out of every correlation.
    method : str
        'pearson' or 'spearman'.
    n_perm : int
        random permutations; with 7 items or fewer all n! orderings are enumerated (exact test).

    Returns
    -------
    DataFrame
        one row: r, p_value (two-sided: share of orderings with |r| at least the observed, the
        identity included), n_items, n_cells, n_permutations, exact, method, note.
    """
    if method not in ("pearson", "spearman"):
        raise ValueError(f"unknown method {method!r}; use pearson or spearman")
    items = [i for i in a.index if i in a.columns and i in b.index and i in b.columns]
    n = len(items)
    row = {"r": np.nan, "p_value": np.nan, "n_items": n, "n_cells": n * (n - 1), "n_permutations": 0,
           "exact": False, "method": method, "note": ""}
    if n < 3:
        row["note"] = f"{n} items: a Mantel test needs at least 3 (with {n} every ordering is equivalent)"
        return pd.DataFrame([row], columns=COLUMNS)
    ma = a.loc[items, items].to_numpy(float)
    mb = b.loc[items, items].to_numpy(float)
    off = ~np.eye(n, dtype=bool)

    def corr(order: np.ndarray) -> float:
        x, y = ma[off], mb[np.ix_(order, order)][off]
        keep = ~(np.isnan(x) | np.isnan(y))
        x, y = x[keep], y[keep]
        if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
            return np.nan
        return float(stats.pearsonr(x, y)[0] if method == "pearson" else stats.spearmanr(x, y)[0])

    observed = corr(np.arange(n))
    row["r"] = observed
    if np.isnan(observed):
        row["note"] = "a matrix is constant (or has fewer than 3 shared cells): no correlation"
        return pd.DataFrame([row], columns=COLUMNS)
    if n <= EXACT_MAX_ITEMS:
        orders = [np.array(p) for p in itertools.permutations(range(n))]
        row["exact"] = True
    else:
        rng = np.random.default_rng(seed)
        orders = [np.arange(n)] + [rng.permutation(n) for _ in range(n_perm)]
    x = ma[off]
    if np.isnan(x).any() or np.isnan(mb[off]).any():
        null = np.array([corr(order) for order in orders])
    else:
        # no missing cells: all orderings at once, in chunks to bound memory
        null_parts = []
        for start in range(0, len(orders), 2000):
            chunk = np.array(orders[start:start + 2000])
            y = np.stack([mb[np.ix_(o, o)][off] for o in chunk])
            xs = np.broadcast_to(x, y.shape)
            null_parts.append(coefficient_rows(xs, y, method))
        null = np.concatenate(null_parts)
    row["n_permutations"] = len(orders)
    row["p_value"] = float(np.mean(np.abs(null[~np.isnan(null)]) >= abs(observed) - 1e-12))
    if row["exact"]:
        row["note"] = f"exact over all {math.factorial(n)} orderings; smallest attainable p = {1 / math.factorial(n):.3g}"
    return pd.DataFrame([row], columns=COLUMNS)
