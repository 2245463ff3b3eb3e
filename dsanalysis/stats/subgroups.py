"""Subgroup performance: accuracy, AUC and error rates per subgroup, and whether gaps beat chance.

As in Xu et al., "A Comprehensive Analysis of AI Biases in DeepFake Detection With Massively
Annotated Databases", a gap between subgroups only means something if it exceeds the gaps that
random groups of the same sizes show: :func:`subgroup_gap_test` draws such groups.
"""

from __future__ import annotations

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


def _gap(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.max() - values.min()) if values.size >= 2 else np.nan


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
        called_real = score_all >= threshold
        correct_all = np.where(fake_all, ~called_real, called_real)
        for metric in metrics:
            row = {"attribute": name, "metric": metric, "n_subgroups": len(names), "best_subgroup": "",
                   "worst_subgroup": "", "gap": np.nan, "random_gap_mean": np.nan, "random_gap_95": np.nan,
                   "p_value": np.nan, "n_random": 0, "note": ""}
            if len(names) < 2:
                row["note"] = f"fewer than 2 subgroups with {MIN_SUBGROUP}+ images: no gap"
                rows.append(row)
                continue

            def per_group(assign: np.ndarray) -> np.ndarray:
                if metric == "auc":
                    return np.array([weighted_auc(score_all[assign == g], fake_all[assign == g]) for g in range(len(names))])
                if metric == "accuracy":
                    member, hit = np.ones(len(assign), bool), correct_all
                elif metric == "fpr":
                    member, hit = ~fake_all, ~called_real
                elif metric == "fnr":
                    member, hit = fake_all, called_real
                else:
                    raise ValueError(f"unknown subgroup metric {metric!r}")
                trials = np.bincount(assign[member], minlength=len(names))
                hits = np.bincount(assign[member], weights=hit[member].astype(float), minlength=len(names))
                with np.errstate(invalid="ignore", divide="ignore"):
                    return np.where(trials > 0, hits / np.maximum(trials, 1), np.nan)

            observed = per_group(codes)
            if np.sum(~np.isnan(observed)) < 2:
                row["note"] = f"{metric} is defined in fewer than 2 subgroups"
                rows.append(row)
                continue
            lower_better = metric in ("fpr", "fnr")
            best = np.nanargmin(observed) if lower_better else np.nanargmax(observed)
            worst = np.nanargmax(observed) if lower_better else np.nanargmin(observed)
            gap = _gap(observed)
            random_gaps = np.array([_gap(per_group(rng.permutation(codes))) for _ in range(n_random)])
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
