"""Rank the training datasets: in-domain and generalization scores with bootstrap intervals.

A *cell* is one run (training dataset x configuration x seed) evaluated on one dataset. The
in-domain score of training dataset i is its cells on i's own test split; its generalization score
is the mean over the other datasets j of its cells on j. Both are averaged over seeds within a
configuration and then over configurations, so every configuration weighs the same.

The bootstrap resamples both sources of uncertainty together: trials (runs drawn with replacement
within each training dataset x configuration) and test images (drawn with replacement within each
evaluated dataset, the same draw for every run, so comparisons stay paired).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from dsanalysis.stats.bootstrap import percentile_interval, resample_counts
from dsanalysis.stats.detection import THRESHOLD, is_fake, weighted_auc, weighted_rates

METRICS = ("accuracy", "accuracy_fake", "accuracy_real", "auc")
CELL_COLUMNS = ["run_id", "train_dataset", "config_name", "seed", "eval_dataset", "metric", "value", "n"]
SCORE_COLUMNS = ["train_dataset", "metric", "scope", "estimate", "ci_low", "ci_high", "rank", "n_runs",
                 "n_seeds", "n_configs", "n_eval_datasets", "note"]
TRANSFER_COLUMNS = ["train_dataset", "eval_dataset", "metric", "mean", "sd", "min", "max", "n_runs"]
RUN_KEYS = ["run_id", "train_dataset", "config_name", "seed"]


def _check(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"column {missing[0]!r} is not in the data (columns: {', '.join(map(str, frame.columns))})")


def cell_scores(predictions: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Detection metrics of every run on every evaluated dataset from per-image predictions.

    Parameters
    ----------
    predictions : DataFrame
        run_id, train_dataset, config_name, seed, eval_dataset, image_id, label ('real'/'fake'), score_real.

    Returns
    -------
    DataFrame
        run_id, train_dataset, config_name, seed, eval_dataset, metric ('accuracy', 'accuracy_fake',
        'accuracy_real', 'auc'), value, n (images behind the value).
    """
    _check(predictions, [*RUN_KEYS, "eval_dataset", "image_id", "label", "score_real"])
    rows = []
    for keys, group in predictions.groupby([*RUN_KEYS, "eval_dataset"], sort=True, dropna=False):
        fake = is_fake(group["label"].to_numpy())
        score = group["score_real"].to_numpy(float)
        rates = weighted_rates(score, fake, threshold=threshold)
        values = {"accuracy": (rates["accuracy"], len(group)), "accuracy_fake": (rates["accuracy_fake"], int(fake.sum())),
                  "accuracy_real": (rates["accuracy_real"], int((~fake).sum())), "auc": (weighted_auc(score, fake), len(group))}
        for metric, (value, n) in values.items():
            rows.append({**dict(zip([*RUN_KEYS, "eval_dataset"], keys)), "metric": metric, "value": float(value), "n": n})
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


def transfer_matrix(cells: pd.DataFrame) -> pd.DataFrame:
    """Mean score of each training dataset on each evaluated dataset over its runs.

    Returns
    -------
    DataFrame
        train_dataset, eval_dataset, metric, mean, sd (over runs; NaN with one run), min, max, n_runs.
    """
    _check(cells, CELL_COLUMNS[:-1])
    grouped = cells.dropna(subset=["value"]).groupby(["train_dataset", "eval_dataset", "metric"])["value"]
    out = grouped.agg(mean="mean", sd="std", min="min", max="max", n_runs="count").reset_index()
    return out[TRANSFER_COLUMNS]


def _aggregate(cell_values: np.ndarray, runs: pd.DataFrame, eval_sets: list[str], run_weights: np.ndarray) -> dict:
    """In-domain and generalization estimates per training dataset for each replicate.

    cell_values: (n_runs, n_eval, b); run_weights: (b, n_runs). Returns {(train, scope): (b,)}.
    """
    out = {}
    for train, train_runs in runs.groupby("train_dataset", sort=True):
        per_config = []
        for _, config_runs in train_runs.groupby("config_name", sort=True, dropna=False):
            index = config_runs.index.to_numpy()
            w = run_weights[:, index].T[:, None, :]  # (runs, 1, b)
            values = cell_values[index]  # (runs, eval, b)
            present = ~np.isnan(values)
            with np.errstate(invalid="ignore", divide="ignore"):
                per_config.append((np.where(present, values, 0) * w).sum(axis=0) / (present * w).sum(axis=0))
        if not per_config:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an evaluated dataset no configuration reached
            mean_over_configs = np.nanmean(np.stack(per_config), axis=0)  # (eval, b)
        eval_index = {e: j for j, e in enumerate(eval_sets)}
        if train in eval_index:
            out[(train, "in_domain")] = mean_over_configs[eval_index[train]]
        others = [j for e, j in eval_index.items() if e != train and not np.all(np.isnan(mean_over_configs[j]))]
        if others:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                out[(train, "generalization")] = np.nanmean(mean_over_configs[others], axis=0)
    return out


def dataset_scores(
    cells: pd.DataFrame,
    predictions: pd.DataFrame | None = None,
    *,
    metrics: tuple[str, ...] = METRICS,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    threshold: float = THRESHOLD,
) -> pd.DataFrame:
    """In-domain and generalization score of every training dataset, ranked, with bootstrap intervals.

    Parameters
    ----------
    cells : DataFrame
        run_id, train_dataset, config_name, seed, eval_dataset, metric, value (see :func:`cell_scores`).
    predictions : DataFrame, optional
        per-image predictions as for :func:`cell_scores`; when given the bootstrap also resamples
        test images, otherwise only trials.
    metrics : tuple of str
        metrics to score; those without any value in ``cells`` are left out.
    n_boot : int
        bootstrap replicates.

    Returns
    -------
    DataFrame
        train_dataset, metric, scope ('in_domain' or 'generalization'), estimate, ci_low, ci_high
        (percentile bootstrap), rank (1 = best within metric and scope), n_runs, n_seeds, n_configs,
        n_eval_datasets (evaluated datasets averaged over), note (what limits the interval).
    """
    _check(cells, CELL_COLUMNS[:-1])
    rng = np.random.default_rng(seed)
    runs = cells[RUN_KEYS].drop_duplicates().sort_values(RUN_KEYS).reset_index(drop=True)
    eval_sets = sorted(cells["eval_dataset"].unique())
    run_pos = {r: i for i, r in enumerate(runs["run_id"])}
    eval_pos = {e: j for j, e in enumerate(eval_sets)}
    # trials: runs drawn with replacement within each training dataset x configuration
    run_weights = np.zeros((n_boot, len(runs)))
    for _, group in runs.groupby(["train_dataset", "config_name"], dropna=False):
        run_weights[:, group.index.to_numpy()] = resample_counts(rng, len(group), n_boot)
    image_counts = {}
    if predictions is not None and not predictions.empty:
        for eval_dataset in eval_sets:
            ids = np.unique(predictions.loc[predictions["eval_dataset"] == eval_dataset, "image_id"].to_numpy())
            image_counts[eval_dataset] = (ids, resample_counts(rng, len(ids), n_boot))
        by_cell = dict(tuple(predictions.groupby(["run_id", "eval_dataset"], sort=False)))
    present = [m for m in metrics if cells.loc[cells["metric"] == m, "value"].notna().any()]
    # image-level replicates of every cell, all metrics from one weights matrix per cell
    cell_boot: dict[tuple[str, str], dict[str, np.ndarray]] = {}
    if image_counts:
        for (run_id, eval_dataset), cell in by_cell.items():
            if run_id not in run_pos:
                continue
            ids, counts = image_counts[eval_dataset]
            weights = counts[:, np.searchsorted(ids, cell["image_id"].to_numpy())]
            fake, score = is_fake(cell["label"].to_numpy()), cell["score_real"].to_numpy(float)
            replicates = weighted_rates(score, fake, weights, threshold)
            if "auc" in present:
                replicates["auc"] = weighted_auc(score, fake, weights)
            cell_boot[(run_id, eval_dataset)] = replicates
    rows = []
    for metric in present:
        point = np.full((len(runs), len(eval_sets), 1), np.nan)
        boot = np.full((len(runs), len(eval_sets), n_boot), np.nan)
        for row in cells[cells["metric"] == metric].itertuples(index=False):
            i, j = run_pos[row.run_id], eval_pos[row.eval_dataset]
            point[i, j, 0] = row.value
            replicates = cell_boot.get((row.run_id, row.eval_dataset))
            boot[i, j] = row.value if replicates is None else replicates[metric]
        estimates = _aggregate(point, runs, eval_sets, np.ones((1, len(runs))))
        replicates = _aggregate(boot, runs, eval_sets, run_weights)
        for (train, scope), estimate in estimates.items():
            train_runs = runs[runs["train_dataset"] == train]
            low, high = percentile_interval(replicates[(train, scope)], confidence)
            n_seeds = train_runs.groupby("config_name", dropna=False)["seed"].nunique().min()
            notes = []
            if n_seeds < 2:
                notes.append("a single seed: the interval reflects test images only, not training variation")
            if not image_counts:
                notes.append("no per-image predictions: the interval resamples trials only")
            n_eval = 1 if scope == "in_domain" else int(sum(
                1 for e in eval_sets if e != train and not np.all(np.isnan(point[train_runs.index, eval_pos[e], 0]))))
            rows.append({"train_dataset": train, "metric": metric, "scope": scope, "estimate": float(estimate[0]),
                         "ci_low": float(low), "ci_high": float(high), "n_runs": len(train_runs),
                         "n_seeds": int(n_seeds), "n_configs": int(train_runs["config_name"].nunique(dropna=False)),
                         "n_eval_datasets": n_eval, "note": "; ".join(notes)})
    out = pd.DataFrame(rows, columns=[c for c in SCORE_COLUMNS if c != "rank"])
    out["rank"] = out.groupby(["metric", "scope"])["estimate"].rank(ascending=False, method="min").astype("Int64")
    return out[SCORE_COLUMNS].sort_values(["metric", "scope", "rank", "train_dataset"]).reset_index(drop=True)
