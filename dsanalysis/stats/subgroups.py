"""Subgroup performance: accuracy, AUC and error rates per subgroup, and whether gaps beat chance.

As in Xu et al., "A Comprehensive Analysis of AI Biases in DeepFake Detection With Massively
Annotated Databases", a gap between subgroups only means something if it exceeds the gaps that
random groups of the same sizes show: :func:`subgroup_gap_test` draws such groups.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from dsanalysis.stats.bootstrap import percentile_interval, resample_counts
from dsanalysis.stats.detection import THRESHOLD, is_fake, weighted_auc, wilson_interval

METRIC_COLUMNS = ["attribute", "subgroup", "n", "n_real", "n_fake", "metric", "value", "ci_low", "ci_high", "note"]
GAP_COLUMNS = ["attribute", "metric", "n_subgroups", "best_subgroup", "worst_subgroup", "gap", "random_gap_mean",
               "random_gap_95", "p_value", "n_random", "note"]
RATE_METRICS = ("accuracy", "fpr", "fnr")
#: fewest images of a subgroup for its metrics to be reported (and to take part in gaps)
MIN_SUBGROUP = 10


def _rates_and_counts(score: np.ndarray, fake: np.ndarray, threshold: float) -> dict[str, tuple[int, int]]:
    """metric -> (successes, trials) for the proportion metrics."""
    called_real = score >= threshold
    n_real, n_fake = int((~fake).sum()), int(fake.sum())
    correct = int((fake & ~called_real).sum() + (~fake & called_real).sum())
    false_pos = int((~fake & ~called_real).sum())  # real called fake
    false_neg = int((fake & called_real).sum())  # fake called real
    return {"accuracy": (correct, len(score)), "fpr": (false_pos, n_real), "fnr": (false_neg, n_fake)}


def subgroup_metrics(
    data: pd.DataFrame,
    attribute: str = "attribute",
    subgroup: str = "subgroup",
    label: str = "label",
    score: str = "score_real",
    *,
    threshold: float = THRESHOLD,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Accuracy, AUC, false positive and false negative rate of every subgroup of every attribute.

    Parameters
    ----------
    data : DataFrame
        one row per (image, attribute): the attribute name, the image's subgroup, its label and its score.

    Returns
    -------
    DataFrame
        attribute, subgroup, n, n_real, n_fake, metric ('accuracy', 'auc', 'fpr' = real called
        fake / real, 'fnr' = fake called real / fake), value, ci_low, ci_high (Wilson interval for
        rates, percentile bootstrap of images for AUC), note (why a value is missing).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for (name, group_name), group in data.dropna(subset=[subgroup]).groupby([attribute, subgroup], sort=True):
        fake = is_fake(group[label].to_numpy())
        s = group[score].to_numpy(float)
        base = {"attribute": name, "subgroup": str(group_name), "n": len(group), "n_real": int((~fake).sum()),
                "n_fake": int(fake.sum())}
        small = len(group) < MIN_SUBGROUP
        for metric, (k, n) in _rates_and_counts(s, fake, threshold).items():
            if small or n == 0:
                why = f"only {len(group)} images (needs {MIN_SUBGROUP})" if small else \
                    f"no {'real' if metric == 'fpr' else 'fake'} images in this subgroup"
                rows.append({**base, "metric": metric, "value": np.nan, "ci_low": np.nan, "ci_high": np.nan, "note": why})
                continue
            low, high = wilson_interval(k, n, confidence)
            rows.append({**base, "metric": metric, "value": k / n, "ci_low": float(low), "ci_high": float(high), "note": ""})
        if small or fake.all() or (~fake).all():
            why = f"only {len(group)} images (needs {MIN_SUBGROUP})" if small else "a single class: AUC undefined"
            rows.append({**base, "metric": "auc", "value": np.nan, "ci_low": np.nan, "ci_high": np.nan, "note": why})
            continue
        boot = weighted_auc(s, fake, resample_counts(rng, len(s), n_boot))
        low, high = percentile_interval(boot, confidence)
        rows.append({**base, "metric": "auc", "value": float(weighted_auc(s, fake)), "ci_low": float(low),
                     "ci_high": float(high), "note": ""})
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def _gaps(values: np.ndarray) -> np.ndarray:
    """Largest minus smallest defined value of each row (NaN where fewer than 2 are defined)."""
    defined = (~np.isnan(values)).sum(axis=1)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
        gaps = np.nanmax(values, axis=1) - np.nanmin(values, axis=1)
    return np.where(defined >= 2, gaps, np.nan)


def _group_values(assignments: np.ndarray, n_groups: int, metric: str, score: np.ndarray, fake: np.ndarray,
                  threshold: float) -> np.ndarray:
    """``metric`` of every group under each row of ``assignments`` (groupings x images): (groupings, groups).

    All groupings are scored at once: a group is a 0/1 weight vector over the images, so one sort
    serves every grouping's AUC.
    """
    called_real = score >= threshold
    if metric == "auc":
        return np.stack([weighted_auc(score, fake, (assignments == g).astype(float)) for g in range(n_groups)], axis=1)
    if metric == "accuracy":
        member, hit = np.ones(len(score), bool), np.where(fake, ~called_real, called_real)
    elif metric == "fpr":
        member, hit = ~fake, ~called_real
    elif metric == "fnr":
        member, hit = fake, called_real
    else:
        raise ValueError(f"unknown subgroup metric {metric!r}")
    out = np.empty((len(assignments), n_groups))
    for g in range(n_groups):
        in_group = (assignments == g) & member
        trials = in_group.sum(axis=1)
        hits = (in_group & hit).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, g] = np.where(trials > 0, hits / np.maximum(trials, 1), np.nan)
    return out


def subgroup_gap_test(
    data: pd.DataFrame,
    attribute: str = "attribute",
    subgroup: str = "subgroup",
    label: str = "label",
    score: str = "score_real",
    *,
    metrics: tuple[str, ...] = ("accuracy", "auc", "fpr", "fnr"),
    threshold: float = THRESHOLD,
    n_random: int = 500,
    seed: int = 0,
) -> pd.DataFrame:
    """Largest gap between subgroups of each attribute against size-matched random groupings.

    The images of subgroups with at least ``MIN_SUBGROUP`` images are reshuffled into groups of the
    same sizes ``n_random`` times; the p-value is the share of random groupings whose largest gap
    is at least the observed one (the observed grouping counted as one of them).

    Returns
    -------
    DataFrame
        attribute, metric, n_subgroups, best_subgroup, worst_subgroup, gap (best - worst value;
        for fpr and fnr lower is better), random_gap_mean, random_gap_95 (95th percentile of random
        gaps), p_value, n_random, note.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for name, frame in data.dropna(subset=[subgroup]).groupby(attribute, sort=True):
        sizes = frame.groupby(subgroup).size()
        kept = sizes[sizes >= MIN_SUBGROUP].index
        frame = frame[frame[subgroup].isin(kept)]
        fake_all = is_fake(frame[label].to_numpy())
        score_all = frame[score].to_numpy(float)
        codes, names = pd.factorize(frame[subgroup].astype(str), sort=True)
        for metric in metrics:
            row = {"attribute": name, "metric": metric, "n_subgroups": len(names), "best_subgroup": "",
                   "worst_subgroup": "", "gap": np.nan, "random_gap_mean": np.nan, "random_gap_95": np.nan,
                   "p_value": np.nan, "n_random": 0, "note": ""}
            if len(names) < 2:
                row["note"] = f"fewer than 2 subgroups with {MIN_SUBGROUP}+ images: no gap"
                rows.append(row)
                continue
            observed = _group_values(codes[None, :], len(names), metric, score_all, fake_all, threshold)[0]
            if np.sum(~np.isnan(observed)) < 2:
                row["note"] = f"{metric} is defined in fewer than 2 subgroups"
                rows.append(row)
                continue
            lower_better = metric in ("fpr", "fnr")
            best = np.nanargmin(observed) if lower_better else np.nanargmax(observed)
            worst = np.nanargmax(observed) if lower_better else np.nanargmin(observed)
            gap = float(_gaps(observed[None, :])[0])
            shuffled = np.stack([rng.permutation(codes) for _ in range(n_random)])
            random_gaps = _gaps(_group_values(shuffled, len(names), metric, score_all, fake_all, threshold))
            random_gaps = random_gaps[~np.isnan(random_gaps)]
            row.update(best_subgroup=names[best], worst_subgroup=names[worst], gap=gap,
                       random_gap_mean=float(random_gaps.mean()), random_gap_95=float(np.quantile(random_gaps, 0.95)),
                       p_value=float((1 + np.sum(random_gaps >= gap - 1e-12)) / (1 + len(random_gaps))),
                       n_random=len(random_gaps))
            small = sizes[sizes < MIN_SUBGROUP]
            if len(small):
                row["note"] = f"{len(small)} subgroups under {MIN_SUBGROUP} images left out"
            rows.append(row)
    return pd.DataFrame(rows, columns=GAP_COLUMNS)
