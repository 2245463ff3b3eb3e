"""Dataset-level correlation screen: each trait against a performance score across datasets.

Pearson, Spearman and Kendall (tau-b) coefficients with percentile bootstrap intervals (resampling
datasets), analytic and permutation p-values, Benjamini-Hochberg q-values across traits, and the
smallest correlation the number of datasets at hand could detect. With a handful of datasets most
traits cannot be tested at all; the output says so row by row instead of leaving a bare NaN.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import pandas as pd
from scipy import stats

from dsanalysis.detection_metrics import percentile_interval
from dsanalysis.stats.multiple import benjamini_hochberg
from dsanalysis.stats import tables

METHODS = ("pearson", "spearman", "kendall")
COLUMNS = tables.TRAIT_CORRELATIONS.names
#: exact enumeration of all orderings up to this many units (7! = 5040), Monte Carlo above
EXACT_PERMUTATION_MAX_N = 7


@functools.lru_cache(maxsize=256)
def min_detectable_correlation(n: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest |r| a two-sided test on ``n`` units detects with ``power`` (Fisher z approximation).

    Returns NaN for n <= 3, where no correlation can be detected.
    """
    if n <= 3:
        return float("nan")
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(np.tanh(z / math.sqrt(n - 3)))


def units_needed(r: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """How many units a two-sided test needs to detect a correlation of ``r`` with ``power``."""
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return int(math.ceil((z / math.atanh(abs(r))) ** 2 + 3))


@functools.lru_cache(maxsize=256)
def critical_correlation(n: int, alpha: float = 0.05) -> float:
    """Smallest |Pearson r| that is significant at ``alpha`` (two-sided t-test) with ``n`` units; NaN for n <= 2."""
    if n <= 2:
        return float("nan")
    t = stats.t.ppf(1 - alpha / 2, n - 2)
    return float(t / math.sqrt(n - 2 + t * t))


def sample_size_statement(n: int, alpha: float = 0.05, power: float = 0.8) -> str:
    """One plain sentence on what ``n`` datasets can and cannot show about a trait."""
    needed = units_needed(0.5, alpha, power)
    if n <= 2:
        return (f"{n} datasets cannot support any trait claim: with {n} points every correlation is "
                f"{'+1 or -1' if n == 2 else 'undefined'} and no test is possible; detecting |r| = 0.5 "
                f"with {power:.0%} power at alpha {alpha:.3g} needs about {needed} datasets")
    mdr = min_detectable_correlation(n, alpha, power)
    if n <= 3:
        return (f"{n} datasets cannot support a trait claim: no correlation is detectable with "
                f"{power:.0%} power at n = {n}; detecting |r| = 0.5 needs about {needed} datasets")
    verdict = "too few for a trait claim unless the effect is very strong" if n < needed else "enough for moderate effects"
    return (f"{n} datasets: only |r| >= {mdr:.2f} is detectable with {power:.0%} power at alpha {alpha:.3g} "
            f"({verdict}; |r| = 0.5 needs about {needed} datasets)")


def _pearson_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r of each row pair of (b, n) arrays; NaN where a row is constant."""
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (xc * yc).sum(axis=1) / np.sqrt((xc * xc).sum(axis=1) * (yc * yc).sum(axis=1))
    return np.clip(r, -1.0, 1.0)


def _kendall_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Kendall tau-b of each row pair of (b, n) arrays (ties handled as scipy does)."""
    n = x.shape[1]
    sx = np.sign(x[:, :, None] - x[:, None, :])
    sy = np.sign(y[:, :, None] - y[:, None, :])
    concordance = (sx * sy).sum(axis=(1, 2)) / 2.0
    pairs = n * (n - 1) / 2.0
    tied_x = ((sx == 0).sum(axis=(1, 2)) - n) / 2.0
    tied_y = ((sy == 0).sum(axis=(1, 2)) - n) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return concordance / np.sqrt((pairs - tied_x) * (pairs - tied_y))


def coefficient_rows(x: np.ndarray, y: np.ndarray, method: str) -> np.ndarray:
    """The ``method`` coefficient of each row pair of (b, n) arrays."""
    if method == "pearson":
        return _pearson_rows(x, y)
    if method == "spearman":
        return _pearson_rows(stats.rankdata(x, axis=1), stats.rankdata(y, axis=1))
    if method == "kendall":
        return _kendall_rows(x, y)
    raise ValueError(f"unknown correlation method {method!r}; use one of {', '.join(METHODS)}")


def _analytic_p(x: np.ndarray, y: np.ndarray, r: float, method: str) -> float:
    """scipy's two-sided p-value: the t-test for Pearson and Spearman, scipy's own for Kendall."""
    if method == "kendall":
        return float(stats.kendalltau(x, y).pvalue)
    n = len(x)
    if abs(r) >= 1.0:
        return 0.0
    t = r * math.sqrt((n - 2) / (1.0 - r * r))
    return float(2 * stats.t.sf(abs(t), n - 2))


def degenerate_resamples(x: np.ndarray, y: np.ndarray, resamples: np.ndarray) -> float:
    """Share of bootstrap resamples that cannot carry a correlation.

    A resample holding fewer than 3 distinct (x, y) points gives r = +1, -1 or none whatever the
    data, and one whose x or y is constant gives none. With 4 units about a third of resamples are
    such (10% with 5, 2% with 6); a percentile interval whose tail holds them is degenerate.

    Parameters
    ----------
    x, y : arrays (n,)
    resamples : integer array (b, n)
        unit indices of each bootstrap resample.

    Returns
    -------
    float
        the share of the b resamples that are degenerate.
    """
    points = pd.MultiIndex.from_arrays([x, y]).factorize()[0]
    drawn = np.sort(points[resamples], axis=1)
    distinct = 1 + (np.diff(drawn, axis=1) != 0).sum(axis=1)
    constant = (np.ptp(x[resamples], axis=1) == 0) | (np.ptp(y[resamples], axis=1) == 0)
    return float(np.mean((distinct < 3) | constant))


def permutation_orders(n: int, n_perm: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Orderings of n units for a permutation test: all n! of them for n <= 7 (exact), else ``n_perm`` random ones.

    Returns
    -------
    tuple
        (integer array (orderings, n), whether the set is exhaustive)
    """
    if n <= EXACT_PERMUTATION_MAX_N:
        return np.array(list(itertools.permutations(range(n)))), True
    return np.argsort(rng.random((n_perm, n)), axis=1), False


def permutation_p(x: np.ndarray, y: np.ndarray, method: str, n_perm: int, rng: np.random.Generator,
                  orders: tuple[np.ndarray, bool] | None = None) -> float:
    """Two-sided permutation p-value of the correlation of ``x`` and ``y`` (share of |r| >= |r observed|).

    Exact (all n! orderings of ``y``) for n <= 7, otherwise ``(1 + hits) / (1 + n_perm)`` over random
    orderings; ``orders`` reuses orderings from :func:`permutation_orders`.
    """
    n = len(x)
    observed = coefficient_rows(x[None, :], y[None, :], method)[0]
    order, exact = orders if orders is not None else permutation_orders(n, n_perm, rng)
    null = coefficient_rows(np.broadcast_to(x, order.shape), y[order], method)
    hits = np.sum(np.abs(null) >= abs(observed) - 1e-12)
    return float(hits / len(order)) if exact else float((1 + hits) / (1 + len(order)))


def trait_correlations(
    data: pd.DataFrame,
    trait: str = "trait",
    x: str = "value",
    y: str = "score",
    *,
    methods: tuple[str, ...] = METHODS,
    n_boot: int = 2000,
    n_perm: int = 5000,
    confidence: float = 0.95,
    power: float = 0.8,
    seed: int = 0,
) -> pd.DataFrame:
    """Correlate each trait with a score across units (datasets).

    Parameters
    ----------
    data : DataFrame
        one row per (unit, trait) with the trait's value in ``x`` and the unit's score in ``y``.
    trait, x, y : str
        column names.
    methods : tuple of str
        any of 'pearson', 'spearman', 'kendall'.
    n_boot, n_perm : int
        bootstrap resamples of units, random permutations (exact enumeration for n <= 7).
    seed : int
        seeds the bootstrap and permutations.

    Returns
    -------
    DataFrame
        trait, method, n (units with both values), r, ci_low, ci_high (percentile bootstrap over
        units; none where more resamples than the interval's tail are degenerate, see
        :func:`degenerate_resamples`: at 95% confidence always with 3 to 5 units), p_value (scipy's
        analytic test), p_permutation, q_value (Benjamini-Hochberg over traits within a method, from
        p_permutation), critical_r (smallest |r| significant at 1 - confidence for this n),
        min_detectable_r (smallest |r| detectable with ``power``), note (why a value is missing, or what limits it; empty when nothing does).
    """
    for column in (trait, x, y):
        if column not in data.columns:
            raise ValueError(f"column {column!r} is not in the data (columns: {', '.join(map(str, data.columns))})")
    alpha = 1.0 - confidence
    rng = np.random.default_rng(seed)
    rows = []
    orderings: dict[int, tuple[np.ndarray, bool]] = {}  # the same random orderings serve every trait of one n
    codes, names = pd.factorize(data[trait], sort=True)
    x_all = pd.to_numeric(data[x], errors="coerce").to_numpy(float)
    y_all = pd.to_numeric(data[y], errors="coerce").to_numpy(float)
    for k, name in enumerate(names):
        notes = []
        member = codes == k
        xv, yv = x_all[member], y_all[member]
        complete = ~(np.isnan(xv) | np.isnan(yv))
        dropped = int((~complete).sum())
        if dropped:
            notes.append(f"{dropped} units without a value left out")
        xv, yv = xv[complete], yv[complete]
        n = len(xv)
        constant = n > 0 and (np.ptp(xv) == 0 or np.ptp(yv) == 0)
        if n < 3:
            notes.append(f"n = {n}: a correlation needs at least 3 units")
        elif constant:
            which = "trait" if np.ptp(xv) == 0 else "score"
            notes.append(f"the {which} is constant across units: no correlation is defined")
        boot_idx = rng.integers(0, n, size=(n_boot, n)) if n >= 3 and not constant else None
        degenerate_share = degenerate_resamples(xv, yv, boot_idx) if boot_idx is not None else np.nan
        for method in methods:
            row = {"trait": name, "method": method, "n": n, "r": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                   "p_value": np.nan, "p_permutation": np.nan, "critical_r": critical_correlation(n, alpha),
                   "min_detectable_r": min_detectable_correlation(n, alpha, power)}
            method_notes = list(notes)
            if boot_idx is not None:
                row["r"] = float(coefficient_rows(xv[None, :], yv[None, :], method)[0])
                row["p_value"] = _analytic_p(xv, yv, row["r"], method)
                if n not in orderings:
                    orderings[n] = permutation_orders(n, n_perm, rng)
                row["p_permutation"] = permutation_p(xv, yv, method, n_perm, rng, orderings[n])
                if degenerate_share <= alpha / 2:
                    boot = coefficient_rows(xv[boot_idx], yv[boot_idx], method)
                    low, high = percentile_interval(boot, confidence)
                    row["ci_low"], row["ci_high"] = float(low), float(high)
                else:
                    method_notes.append(
                        f"no interval: {degenerate_share:.0%} of bootstrap resamples of {n} units hold fewer than 3 "
                        f"distinct units (r = +1, -1 or undefined), more than the {alpha / 2:.3g} tail, so the "
                        "interval's ends would be set by them")
                if n <= 3:
                    method_notes.append("n <= 3: no correlation is detectable with any useful power")
            row["note"] = "; ".join(method_notes)
            rows.append(row)
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "q_value"])
    out["q_value"] = np.nan
    for method, index in out.groupby("method").groups.items():
        out.loc[index, "q_value"] = benjamini_hochberg(out.loc[index, "p_permutation"].to_numpy())
    return out[COLUMNS].reset_index(drop=True)
