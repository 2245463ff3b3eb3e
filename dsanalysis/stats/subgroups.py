"""Subgroup performance: accuracy, AUC and error rates per subgroup, and whether gaps beat chance.

As in Xu et al., "A Comprehensive Analysis of AI Biases in DeepFake Detection With Massively
Annotated Databases", a gap between subgroups only means something if it exceeds the gaps that
random groups of the same sizes show: :func:`subgroup_gap_test` draws such groups.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from dsanalysis.detection_metrics import (THRESHOLD, is_fake, is_real, percentile_interval, resample_counts, weighted_auc,
                                          weighted_rates, wilson_interval)
from dsanalysis.stats import tables

# per (training, evaluated) dataset; the analysis adds those and in_domain, and the gaps' FDR columns
METRIC_COLUMNS = tables.SUBGROUP_METRICS.without("train_dataset", "eval_dataset", "in_domain")
GAP_COLUMNS = tables.SUBGROUP_GAPS.without("train_dataset", "eval_dataset", "q_value", "survives_fdr", "in_domain")
RATE_METRICS = ("accuracy", "fpr", "fnr")
#: fewest images of a subgroup for its metrics to be reported (and to take part in gaps)
MIN_SUBGROUP = 10


def _check_columns(data: pd.DataFrame, columns: list[str | None]) -> None:
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        raise ValueError(f"column {missing[0]!r} is not in the data (columns: {', '.join(map(str, data.columns))})")


def _run_matrix(frame: pd.DataFrame, run: str | None, image: str, label: str, score: str
                ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Images by runs: (one row per image with its other columns, fake (n,), scores (n, runs); NaN where a
    run did not score the image). Without ``run`` every row is an image of a single run."""
    if run is None:
        return frame.reset_index(drop=True), is_fake(frame[label].to_numpy()), frame[score].to_numpy(float)[:, None]
    if frame.duplicated([run, image]).any():
        raise ValueError(f"an image ({image!r}) appears more than once in one run ({run!r}) of a subgroup")
    images = frame.drop_duplicates(image).set_index(image)
    scores = frame.pivot(index=image, columns=run, values=score).reindex(images.index)
    return images.reset_index(), is_fake(images[label].to_numpy()), scores.to_numpy(float)


def run_replicates(scores: np.ndarray, fake: np.ndarray, counts: np.ndarray, threshold: float = THRESHOLD
                   ) -> dict[str, np.ndarray]:
    """Every run's accuracy, FPR, FNR and AUC under each weighting of the images.

    Parameters
    ----------
    scores : array (n, runs)
        score_real of each image by each run; NaN where a run did not score it.
    fake : bool array (n,)
    counts : array (b, n)
        image weights, e.g. bootstrap counts (ones for the plain metrics), the same for every run.

    Returns
    -------
    dict of numpy.ndarray
        'accuracy', 'fpr', 'fnr', 'auc', each (b, runs); NaN where a weighting leaves no image of a
        needed class.
    """
    counts = np.asarray(counts, dtype=float)
    scored = ~np.isnan(scores)
    rates = weighted_rates(scores.T, fake, counts, threshold)
    out = {metric: rates[metric] for metric in ("accuracy", "fpr", "fnr")}
    out["auc"] = np.column_stack([weighted_auc(np.nan_to_num(scores[:, r]), fake, counts * scored[:, r])
                                  for r in range(scores.shape[1])])
    return out


def _run_mean(values: np.ndarray, run_weights: np.ndarray) -> np.ndarray:
    """Weighted mean over runs of (b, runs) values, leaving NaN runs out; NaN where none is defined."""
    defined = ~np.isnan(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(defined, values, 0.0) * run_weights).sum(axis=1) / (defined * run_weights).sum(axis=1)


def _missing_reason(metric: str, n: int, n_real: int, n_fake: int) -> str:
    """Why ``metric`` has no value for a subgroup of n images, or '' when it has one."""
    if n < MIN_SUBGROUP:
        return f"only {n} images (needs {MIN_SUBGROUP})"
    if metric == "fpr" and n_real == 0:
        return "no real images in this subgroup"
    if metric == "fnr" and n_fake == 0:
        return "no fake images in this subgroup"
    if metric == "auc" and (n_real == 0 or n_fake == 0):
        return "a single class: AUC undefined"
    return ""


def _single_run_interval(metric: str, scores: np.ndarray, fake: np.ndarray, rng: np.random.Generator,
                         threshold: float, n_boot: int, confidence: float) -> tuple[float, float]:
    """One run: Wilson interval for a rate, percentile bootstrap of images for the AUC."""
    if metric != "auc":
        k, trials = _rates_and_counts(scores[:, 0], fake, threshold)[metric]
        low, high = wilson_interval(k, trials, confidence)
    else:
        low, high = percentile_interval(weighted_auc(scores[:, 0], fake, resample_counts(rng, len(fake), n_boot)),
                                        confidence)
    return float(low), float(high)


def _run_bootstrap(scores: np.ndarray, fake: np.ndarray, rng: np.random.Generator, threshold: float,
                   n_boot: int) -> dict[str, np.ndarray]:
    """Several runs: each metric's mean over runs under ``n_boot`` draws of runs and of images (one image draw
    shared by every run), metric -> (n_boot,)."""
    replicates = run_replicates(scores, fake, resample_counts(rng, len(fake), n_boot), threshold)
    run_weights = resample_counts(rng, scores.shape[1], n_boot)
    return {metric: _run_mean(values, run_weights) for metric, values in replicates.items()}


def _rates_and_counts(score: np.ndarray, fake: np.ndarray, threshold: float) -> dict[str, tuple[int, int]]:
    """metric -> (successes, trials) for the proportion metrics."""
    called_real = is_real(score, threshold)
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
    run: str | None = None,
    image: str = "image_id",
    threshold: float = THRESHOLD,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Accuracy, AUC, false positive and false negative rate of every subgroup of every attribute.

    With ``run``, each run's metric is computed on its own scores and the value is their mean over
    runs, as the cross-dataset matrix averages runs; averaging the runs' scores image by image first
    would score an ensemble, which is not the models that were trained.

    Parameters
    ----------
    data : DataFrame
        one row per (image, attribute), or per (run, image, attribute) with ``run``: the attribute
        name, the image's subgroup, its label and its score.
    run : str, optional
        column naming the run (model) that gave the score; every run should score the same images.
    image : str
        column identifying an image across runs (used with ``run`` only).

    Returns
    -------
    DataFrame
        attribute, subgroup, n (images), n_real, n_fake, n_runs, metric ('accuracy', 'auc', 'fpr' =
        real called fake / real, 'fnr' = fake called real / fake), value (the mean over runs of
        each run's metric), ci_low, ci_high (one run: Wilson interval for rates, percentile
        bootstrap of images for AUC; several: percentile bootstrap resampling runs and images, one
        image draw shared by all runs), note (why a value is missing).
    """
    _check_columns(data, [attribute, subgroup, label, score, run, image if run else None])
    rng = np.random.default_rng(seed)
    rows = []
    for (name, group_name), group in data.dropna(subset=[subgroup]).groupby([attribute, subgroup], sort=True):
        images, fake, scores = _run_matrix(group, run, image, label, score)
        n, n_real, n_fake = len(images), int((~fake).sum()), int(fake.sum())
        base = {"attribute": name, "subgroup": str(group_name), "n": n, "n_real": n_real, "n_fake": n_fake,
                "n_runs": scores.shape[1]}
        per_run = run_replicates(scores, fake, np.ones((1, n)), threshold)
        several = scores.shape[1] > 1 and n >= MIN_SUBGROUP
        boot = _run_bootstrap(scores, fake, rng, threshold, n_boot) if several else {}
        for metric in (*RATE_METRICS, "auc"):
            why = _missing_reason(metric, n, n_real, n_fake)
            if why:
                rows.append({**base, "metric": metric, "value": np.nan, "ci_low": np.nan, "ci_high": np.nan, "note": why})
                continue
            value = float(_run_mean(per_run[metric], np.ones((1, scores.shape[1])))[0])
            if several:
                low, high = (float(v) for v in percentile_interval(boot[metric], confidence))
            else:
                low, high = _single_run_interval(metric, scores, fake, rng, threshold, n_boot, confidence)
            rows.append({**base, "metric": metric, "value": value, "ci_low": low, "ci_high": high, "note": ""})
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
    if metric == "auc":
        return np.stack([weighted_auc(score, fake, (assignments == g).astype(float)) for g in range(n_groups)], axis=1)
    if metric not in RATE_METRICS:
        raise ValueError(f"unknown subgroup metric {metric!r}")
    return np.stack([weighted_rates(score, fake, (assignments == g).astype(float), threshold)[metric]
                     for g in range(n_groups)], axis=1)


def _run_mean_group_values(assignments: np.ndarray, n_groups: int, metric: str, scores: np.ndarray, fake: np.ndarray,
                           threshold: float) -> np.ndarray:
    """:func:`_group_values` of each run (columns of ``scores``), averaged over runs: (groupings, groups)."""
    per_run = np.stack([_group_values(assignments, n_groups, metric, scores[:, r], fake, threshold)
                        for r in range(scores.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a group whose metric no run defines
        return np.nanmean(per_run, axis=0)


def subgroup_gap_test(
    data: pd.DataFrame,
    attribute: str = "attribute",
    subgroup: str = "subgroup",
    label: str = "label",
    score: str = "score_real",
    *,
    run: str | None = None,
    image: str = "image_id",
    metrics: tuple[str, ...] = ("accuracy", "auc", "fpr", "fnr"),
    threshold: float = THRESHOLD,
    n_random: int = 500,
    seed: int = 0,
) -> pd.DataFrame:
    """Largest gap between subgroups of each attribute against size-matched random groupings.

    The images of subgroups with at least ``MIN_SUBGROUP`` images are reshuffled into groups of the
    same sizes ``n_random`` times; the p-value is the share of random groupings whose largest gap
    is at least the observed one (the observed grouping counted as one of them). With ``run``, a
    group's value is the mean over runs of each run's metric (as in :func:`subgroup_metrics`), for
    the observed and every random grouping alike (one reshuffle of the images serves all runs).

    Parameters
    ----------
    data : DataFrame
        as for :func:`subgroup_metrics`.
    run, image : str
        as for :func:`subgroup_metrics`; images not scored by every run are left out (noted).

    Returns
    -------
    DataFrame
        attribute, metric, n_subgroups, best_subgroup, worst_subgroup, gap (best - worst value;
        for fpr and fnr lower is better), random_gap_mean, random_gap_95 (95th percentile of random
        gaps), p_value, n_random, n_runs, note.
    """
    _check_columns(data, [attribute, subgroup, label, score, run, image if run else None])
    rng = np.random.default_rng(seed)
    rows = []
    for name, frame in data.dropna(subset=[subgroup]).groupby(attribute, sort=True):
        images, fake_all, scores = _run_matrix(frame, run, image, label, score)
        complete = ~np.isnan(scores).any(axis=1)
        sizes = images.groupby(subgroup).size()
        kept = images[subgroup].isin(sizes[sizes >= MIN_SUBGROUP].index).to_numpy() & complete
        images, fake_all, scores = images[kept], fake_all[kept], scores[kept]
        codes, names = pd.factorize(images[subgroup].astype(str), sort=True)
        notes = []
        small = sizes[sizes < MIN_SUBGROUP]
        if len(small):
            notes.append(f"{len(small)} subgroups under {MIN_SUBGROUP} images left out")
        if not complete.all():
            notes.append(f"{int((~complete).sum())} images not scored by every run left out")
        for metric in metrics:
            row = {"attribute": name, "metric": metric, "n_subgroups": len(names), "best_subgroup": "",
                   "worst_subgroup": "", "gap": np.nan, "random_gap_mean": np.nan, "random_gap_95": np.nan,
                   "p_value": np.nan, "n_random": 0, "n_runs": scores.shape[1], "note": ""}
            if len(names) < 2:
                row["note"] = f"fewer than 2 subgroups with {MIN_SUBGROUP}+ images: no gap"
                rows.append(row)
                continue
            observed = _run_mean_group_values(codes[None, :], len(names), metric, scores, fake_all, threshold)[0]
            if np.sum(~np.isnan(observed)) < 2:
                row["note"] = f"{metric} is defined in fewer than 2 subgroups"
                rows.append(row)
                continue
            lower_better = metric in ("fpr", "fnr")
            best = np.nanargmin(observed) if lower_better else np.nanargmax(observed)
            worst = np.nanargmax(observed) if lower_better else np.nanargmin(observed)
            gap = float(_gaps(observed[None, :])[0])
            shuffled = np.stack([rng.permutation(codes) for _ in range(n_random)])
            random_gaps = _gaps(_run_mean_group_values(shuffled, len(names), metric, scores, fake_all, threshold))
            random_gaps = random_gaps[~np.isnan(random_gaps)]
            row.update(best_subgroup=names[best], worst_subgroup=names[worst], gap=gap,
                       random_gap_mean=float(random_gaps.mean()), random_gap_95=float(np.quantile(random_gaps, 0.95)),
                       p_value=float((1 + np.sum(random_gaps >= gap - 1e-12)) / (1 + len(random_gaps))),
                       n_random=len(random_gaps), note="; ".join(notes))
            rows.append(row)
    return pd.DataFrame(rows, columns=GAP_COLUMNS)
