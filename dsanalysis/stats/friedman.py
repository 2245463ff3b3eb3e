"""Is the ranking of the training datasets meaningful? Friedman test with post-hoc comparisons.

Blocks are the units every training dataset was scored on (evaluated dataset x configuration x
seed); treatments are the training datasets. Rank 1 is the best (highest score) in a block, as in
Demsar (2006), "Statistical comparisons of classifiers over multiple data sets", JMLR 7:1-30.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from scipy import stats

from dsanalysis.stats.multiple import holm
from dsanalysis.stats import tables

# the stored tables (dsanalysis/stats/tables.py) lead with the metric
FRIEDMAN_COLUMNS = tables.FRIEDMAN.without("metric")
RANK_COLUMNS = tables.MEAN_RANKS.without("metric")
PAIRWISE_COLUMNS = tables.PAIRWISE.without("metric")


def block_matrix(data: pd.DataFrame, blocks: list[str], treatment: str, value: str) -> tuple[pd.DataFrame, int]:
    """Scores as a blocks x treatments matrix, keeping only blocks that scored every treatment.

    Returns
    -------
    tuple
        (matrix: one row per complete block, one column per treatment; number of blocks dropped)
    """
    for column in [*blocks, treatment, value]:
        if column not in data.columns:
            raise ValueError(f"column {column!r} is not in the data")
    clean = data.dropna(subset=[value])
    wide = clean.pivot_table(index=blocks, columns=treatment, values=value, aggfunc="mean")
    complete = wide.dropna(how="any")
    return complete, len(wide) - len(complete)


def critical_difference(k: int, n_blocks: int, alpha: float = 0.05) -> float:
    """Nemenyi critical difference of mean ranks: q_alpha sqrt(k (k + 1) / (6 N)).

    q_alpha is the studentized range quantile for k treatments and infinite degrees of freedom
    divided by sqrt(2) (Demsar 2006, Table 5).
    """
    q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
    return float(q * math.sqrt(k * (k + 1) / (6.0 * n_blocks)))


def _ranks(matrix: pd.DataFrame) -> np.ndarray:
    # rank 1 = best = highest score; ties share the mean rank
    return stats.rankdata(-matrix.to_numpy(float), axis=1)


def friedman_test(data: pd.DataFrame, blocks: list[str], treatment: str, value: str) -> pd.DataFrame:
    """Friedman's test that all treatments have the same distribution of within-block ranks.

    Returns
    -------
    DataFrame
        one row: n_blocks (complete blocks used), n_treatments, n_blocks_dropped (blocks missing a
        treatment), statistic (chi-square with tie correction, as scipy.stats.friedmanchisquare),
        df, p_value, iman_davenport_f and iman_davenport_p (the less conservative F form),
        kendall_w (effect size: coefficient of concordance, 0 = no agreement on the ranking,
        1 = every block ranks identically), note.
    """
    matrix, dropped = block_matrix(data, blocks, treatment, value)
    n, k = matrix.shape
    row = {"n_blocks": n, "n_treatments": k, "n_blocks_dropped": dropped, "statistic": np.nan, "df": k - 1,
           "p_value": np.nan, "iman_davenport_f": np.nan, "iman_davenport_p": np.nan, "kendall_w": np.nan, "note": ""}
    notes = [f"{dropped} blocks left out because they lack a treatment"] if dropped else []
    if k < 2 or n < 2:
        notes.append(f"needs at least 2 treatments and 2 complete blocks (have {k} and {n})")
        row["note"] = "; ".join(notes)
        return pd.DataFrame([row], columns=FRIEDMAN_COLUMNS)
    ranks = _ranks(matrix)
    tie_sum = sum(float((counts ** 3 - counts).sum()) for counts in
                  (np.unique(r, return_counts=True)[1] for r in ranks))
    correction = 1.0 - tie_sum / (n * k * (k * k - 1))
    rank_sums = ranks.sum(axis=0)
    if correction <= 0:
        notes.append("every block is a complete tie: no ranking information")
        row["note"] = "; ".join(notes)
        return pd.DataFrame([row], columns=FRIEDMAN_COLUMNS)
    chi2 = (12.0 / (n * k * (k + 1)) * float((rank_sums ** 2).sum()) - 3.0 * n * (k + 1)) / correction
    row["statistic"] = chi2
    row["p_value"] = float(stats.chi2.sf(chi2, k - 1))
    row["kendall_w"] = chi2 / (n * (k - 1))
    denominator = n * (k - 1) - chi2
    if denominator > 0:
        f = (n - 1) * chi2 / denominator
        row["iman_davenport_f"] = f
        row["iman_davenport_p"] = float(stats.f.sf(f, k - 1, (k - 1) * (n - 1)))
    else:
        notes.append("perfect agreement across blocks: the Iman-Davenport F is unbounded (p -> 0)")
        row["iman_davenport_p"] = 0.0
    if k == 2:
        notes.append("with 2 treatments the Friedman test is a sign test; see the pairwise Wilcoxon test")
    row["note"] = "; ".join(notes)
    return pd.DataFrame([row], columns=FRIEDMAN_COLUMNS)


def mean_ranks(data: pd.DataFrame, blocks: list[str], treatment: str, value: str) -> pd.DataFrame:
    """Mean within-block rank of each treatment over the complete blocks (1 = best).

    Returns
    -------
    DataFrame
        treatment, mean_rank, mean_score, n_blocks; sorted best first.
    """
    matrix, _ = block_matrix(data, blocks, treatment, value)
    if matrix.empty:
        return pd.DataFrame(columns=RANK_COLUMNS)
    ranks = _ranks(matrix)
    out = pd.DataFrame({"treatment": matrix.columns.astype(str), "mean_rank": ranks.mean(axis=0),
                        "mean_score": matrix.to_numpy(float).mean(axis=0), "n_blocks": len(matrix)})
    return out.sort_values(["mean_rank", "treatment"]).reset_index(drop=True)


def _rank_biserial(differences: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation: (W+ - W-) / (W+ + W-), zero differences dropped."""
    d = differences[differences != 0]
    if d.size == 0:
        return 0.0
    r = stats.rankdata(np.abs(d))
    return float((r[d > 0].sum() - r[d < 0].sum()) / r.sum())


def _wilcoxon_method(differences: np.ndarray) -> str:
    """Exact null distribution without zeros or ties (n <= 50), else the normal approximation.

    scipy's 'auto' falls back to a slow Monte Carlo permutation test on ties; the normal
    approximation with tie correction is the textbook choice there.
    """
    d = differences[differences != 0]
    tied = len(np.unique(np.abs(d))) < len(d)
    return "exact" if len(d) == len(differences) and not tied and len(d) <= 50 else "approx"


def pairwise_comparisons(data: pd.DataFrame, blocks: list[str], treatment: str, value: str,
                         alpha: float = 0.05) -> pd.DataFrame:
    """Every pair of treatments: Nemenyi test on mean ranks and Wilcoxon signed-rank with Holm.

    Returns
    -------
    DataFrame
        treatment_a, treatment_b, n_blocks, mean_rank_a, mean_rank_b, rank_difference (a - b; negative
        = a ranks better), critical_difference (Nemenyi CD at ``alpha``), nemenyi_p,
        nemenyi_significant (|rank_difference| > critical_difference), mean_difference and
        median_difference (score a - b over blocks: the effect in score units), wilcoxon_statistic,
        wilcoxon_p, wilcoxon_p_holm (Holm over all pairs), rank_biserial (effect size in [-1, 1],
        positive = a scores higher), note.
    """
    matrix, _ = block_matrix(data, blocks, treatment, value)
    n, k = matrix.shape
    if k < 2 or n < 1:
        return pd.DataFrame(columns=PAIRWISE_COLUMNS)
    ranks = _ranks(matrix)
    mean_rank = ranks.mean(axis=0)
    cd = critical_difference(k, n, alpha)
    scale = math.sqrt(k * (k + 1) / (6.0 * n))
    names = [str(c) for c in matrix.columns]
    values = matrix.to_numpy(float)
    rows = []
    for a, b in itertools.combinations(range(k), 2):
        diff = values[:, a] - values[:, b]
        row = {"treatment_a": names[a], "treatment_b": names[b], "n_blocks": n,
               "mean_rank_a": mean_rank[a], "mean_rank_b": mean_rank[b],
               "rank_difference": mean_rank[a] - mean_rank[b], "critical_difference": cd,
               "nemenyi_p": float(stats.studentized_range.sf(abs(mean_rank[a] - mean_rank[b]) / scale * math.sqrt(2), k, np.inf)),
               "mean_difference": float(diff.mean()), "median_difference": float(np.median(diff)),
               "wilcoxon_statistic": np.nan, "wilcoxon_p": np.nan, "rank_biserial": _rank_biserial(diff), "note": ""}
        row["nemenyi_significant"] = bool(abs(row["rank_difference"]) > cd)
        if np.all(diff == 0):
            row["wilcoxon_statistic"], row["wilcoxon_p"] = 0.0, 1.0
            row["note"] = "identical scores in every block"
        else:
            result = stats.wilcoxon(values[:, a], values[:, b], method=_wilcoxon_method(diff))
            row["wilcoxon_statistic"], row["wilcoxon_p"] = float(result.statistic), float(result.pvalue)
            if n < 6:
                row["note"] = f"only {n} blocks: the Wilcoxon test cannot reach p < 0.05 with fewer than 6"
        rows.append(row)
    out = pd.DataFrame(rows)
    out["wilcoxon_p_holm"] = holm(out["wilcoxon_p"].to_numpy())
    return out[PAIRWISE_COLUMNS]
