"""Rank the training datasets: in-domain and generalization scores with bootstrap intervals.

A *cell* is one run (training dataset x configuration x seed) evaluated on one dataset. The
in-domain score of training dataset i is its cells on i's own test split; its generalization score
is the mean over the other datasets j of its cells on j. Both are averaged over seeds within a
configuration and then over configurations, so every configuration weighs the same.

The bootstrap resamples both sources of uncertainty together: trials (runs drawn with replacement
within each training dataset x configuration) and test images (drawn with replacement within each
evaluated dataset, the same draw for every run, so comparisons stay paired). Image resampling works on
the score matrices of :mod:`dsanalysis.stats.score_matrix`: a replicate of every cell's accuracy is
exact (counts of correct calls under the drawn weights, one matrix product per evaluated dataset);
a replicate of its AUC uses the first-order expansion of the AUC in the image weights, i.e. the
weighted means of the images' DeLong placements, whose variance is DeLong's variance of the AUC.
This keeps a 10-million-prediction study to seconds; the exact replicate would re-sort every cell
for every draw. The expansion is unbounded: near AUC 0 or 1, where the few misranked pairs hang on
a few images, a draw that misses them lands above 1 (an in-domain AUC of 0.990 got the interval
[0.964, 1.005]). Cells where the expansion is not accurate (see :func:`exact_auc_needed`) get the
exact replicate instead, the AUC of the drawn images themselves, which always lies in [0, 1].
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from dsanalysis.detection_metrics import THRESHOLD, percentile_interval, resample_counts, weighted_auc, weighted_rates
from dsanalysis.stats.score_matrix import RUN_KEYS, ScoreMatrices, ScoreMatrix
from dsanalysis.stats import tables

METRICS = ("accuracy", "accuracy_fake", "accuracy_real", "auc")
CELL_COLUMNS = ["run_id", "train_dataset", "config_name", "seed", "eval_dataset", "metric", "value", "n"]
SCORE_COLUMNS = tables.SCORES.without("n_learned", "n_not_learned")  # the analysis adds the learned counts
TRANSFER_COLUMNS = tables.TRANSFER.names
#: smaller class (scored images) below which a cell's AUC replicates are exact: the first-order
#: expansion's error shrinks like 1/n, and at 50 images a class its interval ends differ from the exact
#: bootstrap's by about 3% of the interval's width
EXACT_AUC_BELOW = 50
#: a cell's AUC replicates are exact when its AUC lies within this many DeLong standard errors of 0 or 1
EXACT_AUC_WITHIN_SE = 4.0


def _check(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"column {missing[0]!r} is not in the data (columns: {', '.join(map(str, frame.columns))})")


def _as_matrices(predictions: pd.DataFrame | ScoreMatrices) -> ScoreMatrices:
    return predictions if isinstance(predictions, ScoreMatrices) else ScoreMatrices.from_predictions(predictions)


def cell_scores(predictions: pd.DataFrame | ScoreMatrices, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Detection metrics of every run on every evaluated dataset from per-image predictions.

    Parameters
    ----------
    predictions : DataFrame or ScoreMatrices
        run_id, train_dataset, config_name, seed, eval_dataset, image_id, label ('real'/'fake'),
        score_real; or the same as score matrices.

    Returns
    -------
    DataFrame
        run_id, train_dataset, config_name, seed, eval_dataset, metric ('accuracy', 'accuracy_fake',
        'accuracy_real', 'auc'), value, n (images behind the value).
    """
    scores = _as_matrices(predictions)
    frames = []
    for matrix in scores.matrices:
        # every image weighed once: the replicate formulas give the plain metrics
        values = {metric: v[0] for metric, v in image_replicates(matrix, np.ones((1, len(matrix.image_ids))), threshold).items()}
        present = ~np.isnan(matrix.scores)
        n_fake, n_real = (present & matrix.fake).sum(axis=1), (present & ~matrix.fake).sum(axis=1)
        images = {"accuracy": n_fake + n_real, "accuracy_fake": n_fake, "accuracy_real": n_real, "auc": n_fake + n_real}
        runs = scores.runs.iloc[matrix.run_index].reset_index(drop=True)
        for metric, n in images.items():
            frames.append(runs.assign(eval_dataset=matrix.eval_dataset, metric=metric, value=values[metric].astype(float),
                                      n=n.astype(np.int64)))
    if not frames:
        return pd.DataFrame(columns=CELL_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[CELL_COLUMNS]
    return out.sort_values([*RUN_KEYS, "eval_dataset", "metric"], kind="stable").reset_index(drop=True)


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


def image_replicates(matrix: ScoreMatrix, counts: np.ndarray, threshold: float = THRESHOLD) -> dict[str, np.ndarray]:
    """Every run's metrics on one evaluated dataset under each bootstrap draw of its test images.

    Parameters
    ----------
    matrix : ScoreMatrix
        (k runs, n images).
    counts : array (b, n)
        how often each image is drawn in each replicate (the same draw for every run); the arithmetic
        runs in its dtype if floating (float32 halves the cost of big bootstraps), else in float64.

    Returns
    -------
    dict of numpy.ndarray
        'accuracy', 'accuracy_fake', 'accuracy_real' (exact) and 'auc' (first-order expansion in the
        weights: weighted mean placement of the drawn fake images plus that of the drawn real images,
        minus the AUC; exact where :func:`exact_auc_needed` says so), each (b, k), every value in
        [0, 1]; NaN where a draw holds no scored image of a needed class.
    """
    fake = matrix.fake
    counts = np.asarray(counts)
    dtype = counts.dtype if counts.dtype.kind == "f" else np.dtype(np.float64)
    counts = counts.astype(dtype, copy=False)
    rates = weighted_rates(matrix.scores, fake, counts, threshold)
    out = {metric: rates[metric] for metric in ("accuracy", "accuracy_fake", "accuracy_real")}
    auc, placements = matrix.auc_placements
    scored = ~np.isnan(matrix.scores)
    mean_placement = []
    for columns in (fake, ~fake):
        c = counts[:, columns]
        weight = c.sum(axis=1, keepdims=True) if matrix.complete else c @ scored[:, columns].T.astype(dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_placement.append((c @ np.nan_to_num(placements[:, columns]).T.astype(dtype)) / weight)
    out["auc"] = mean_placement[0] + mean_placement[1] - auc[None, :].astype(dtype)
    for row in np.flatnonzero(exact_auc_needed(matrix, out["auc"])):
        out["auc"][:, row] = exact_auc_replicates(matrix, row, counts)
    return out


def exact_auc_needed(matrix: ScoreMatrix, linear: np.ndarray) -> np.ndarray:
    """Which cells (rows of ``matrix``) need exact AUC replicates rather than the first-order expansion.

    A cell needs them when its smaller class has fewer than :data:`EXACT_AUC_BELOW` scored images,
    when its AUC lies within :data:`EXACT_AUC_WITHIN_SE` DeLong standard errors of 0 or 1 (the
    bootstrap distribution is then skewed and bounded, the expansion symmetric and unbounded), or
    when any of its expanded replicates ``linear`` (b, k) already left [0, 1].

    Returns
    -------
    numpy.ndarray
        bool (k,); False for cells without an AUC (one class only).
    """
    auc, placements = matrix.auc_placements
    scored = ~np.isnan(matrix.scores)
    n_fake, n_real = (scored & matrix.fake).sum(axis=1), (scored & ~matrix.fake).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a class of one image has no placement variance
        variance = (np.nanvar(np.where(matrix.fake, placements, np.nan), axis=1, ddof=1) / n_fake
                    + np.nanvar(np.where(matrix.fake, np.nan, placements), axis=1, ddof=1) / n_real)
    standard_error = np.sqrt(np.nan_to_num(variance))
    small = np.minimum(n_fake, n_real) < EXACT_AUC_BELOW
    near_bound = np.minimum(auc, 1.0 - auc) <= EXACT_AUC_WITHIN_SE * standard_error
    outside = ((linear < 0) | (linear > 1)).any(axis=0)
    return (small | near_bound | outside) & ~np.isnan(auc)


def exact_auc_replicates(matrix: ScoreMatrix, row: int, counts: np.ndarray) -> np.ndarray:
    """AUC of one cell under each bootstrap draw, computed from the drawn images themselves.

    Returns
    -------
    numpy.ndarray
        (b,) in [0, 1]; NaN where a draw holds no scored image of a class.
    """
    scored = ~np.isnan(matrix.scores[row])
    return weighted_auc(matrix.scores[row, scored], matrix.fake[scored], np.asarray(counts)[:, scored])


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


def _seed_sd(cell_values: np.ndarray, runs: pd.DataFrame, eval_sets: list[str]) -> dict:
    """Between-seed SD of each training dataset's score: the SD over its runs of each run's own in-domain or
    generalization score, within each configuration, pooled over configurations (root mean variance).

    cell_values: (n_runs, n_eval). Returns {(train, scope): sd}, NaN where no configuration has two runs.
    """
    eval_index = {e: j for j, e in enumerate(eval_sets)}
    out = {}
    for train, train_runs in runs.groupby("train_dataset", sort=True):
        values = cell_values[train_runs.index.to_numpy()]
        others = [j for e, j in eval_index.items() if e != train]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            per_run = {"in_domain": values[:, eval_index[train]] if train in eval_index else np.full(len(values), np.nan),
                       "generalization": np.nanmean(values[:, others], axis=1) if others else np.full(len(values), np.nan)}
        configs = train_runs["config_name"].to_numpy()
        for scope, scores in per_run.items():
            variances = [np.var(scores[(configs == c) & ~np.isnan(scores)], ddof=1)
                         for c in pd.unique(configs) if ((configs == c) & ~np.isnan(scores)).sum() >= 2]
            out[(train, scope)] = float(np.sqrt(np.mean(variances))) if variances else np.nan
    return out


def dataset_scores(
    cells: pd.DataFrame,
    predictions: pd.DataFrame | ScoreMatrices | None = None,
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
    predictions : DataFrame or ScoreMatrices, optional
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
        (percentile bootstrap), seed_sd (between-seed SD of the per-run score, pooled over configurations; NaN
        without two seeds), rank (1 = best within metric and scope), n_runs, n_seeds, n_configs,
        n_eval_datasets (evaluated datasets averaged over), note (what limits the interval).
    """
    _check(cells, CELL_COLUMNS[:-1])
    rng = np.random.default_rng(seed)
    runs = cells[RUN_KEYS].drop_duplicates().sort_values(RUN_KEYS).reset_index(drop=True)
    eval_sets = sorted(cells["eval_dataset"].unique())
    run_pos = pd.Index(runs["run_id"])
    eval_pos = {e: j for j, e in enumerate(eval_sets)}
    # trials: runs drawn with replacement within each training dataset x configuration
    run_weights = np.zeros((n_boot, len(runs)))
    for _, group in runs.groupby(["train_dataset", "config_name"], dropna=False):
        run_weights[:, group.index.to_numpy()] = resample_counts(rng, len(group), n_boot)
    present = [m for m in metrics if cells.loc[cells["metric"] == m, "value"].notna().any()]
    point = {m: np.full((len(runs), len(eval_sets), 1), np.nan) for m in present}
    boot = {m: np.full((len(runs), len(eval_sets), n_boot), np.nan, dtype=np.float32) for m in present}
    for metric in present:
        chosen = cells[cells["metric"] == metric]
        i, j = run_pos.get_indexer(chosen["run_id"]), chosen["eval_dataset"].map(eval_pos).to_numpy()
        point[metric][i, j, 0] = chosen["value"].to_numpy(float)
        boot[metric][i, j, :] = chosen["value"].to_numpy(float)[:, None]  # trials only, unless images below
    if isinstance(predictions, pd.DataFrame) and predictions.empty:
        predictions = None
    scores = None if predictions is None else _as_matrices(predictions)
    image_resampling = scores is not None and not scores.empty
    if image_resampling:
        by_name = {m.eval_dataset: m for m in scores.matrices}
        for eval_dataset in eval_sets:  # one draw of test images per evaluated dataset, shared by all its runs
            matrix = by_name.get(eval_dataset)
            if matrix is None:
                continue
            counts = resample_counts(rng, len(matrix.image_ids), n_boot).astype(np.float32)
            rows = run_pos.get_indexer(scores.runs["run_id"].to_numpy()[matrix.run_index])
            keep = rows >= 0
            for metric, replicates in image_replicates(matrix, counts, threshold).items():
                if metric in boot:
                    boot[metric][rows[keep], eval_pos[eval_dataset], :] = replicates[:, keep].T
    rows = []
    for metric in present:
        estimates = _aggregate(point[metric], runs, eval_sets, np.ones((1, len(runs))))
        spread = _seed_sd(point[metric][:, :, 0], runs, eval_sets)
        replicates = _aggregate(boot[metric], runs, eval_sets, run_weights)
        for (train, scope), estimate in estimates.items():
            train_runs = runs[runs["train_dataset"] == train]
            low, high = percentile_interval(replicates[(train, scope)], confidence)
            n_seeds = train_runs.groupby("config_name", dropna=False)["seed"].nunique().min()
            notes = []
            if n_seeds < 2:
                notes.append("a single seed: the interval reflects test images only, not training variation")
            if not image_resampling:
                notes.append("no per-image predictions: the interval resamples trials only")
            n_eval = 1 if scope == "in_domain" else int(sum(
                1 for e in eval_sets if e != train and not np.all(np.isnan(point[metric][train_runs.index, eval_pos[e], 0]))))
            rows.append({"train_dataset": train, "metric": metric, "scope": scope, "estimate": float(estimate[0]),
                         "ci_low": float(low), "ci_high": float(high),
                         "seed_sd": spread.get((train, scope), np.nan), "n_runs": len(train_runs),
                         "n_seeds": int(n_seeds), "n_configs": int(train_runs["config_name"].nunique(dropna=False)),
                         "n_eval_datasets": n_eval, "note": "; ".join(notes)})
    out = pd.DataFrame(rows, columns=[c for c in SCORE_COLUMNS if c != "rank"])
    out["rank"] = out.groupby(["metric", "scope"])["estimate"].rank(ascending=False, method="min").astype("Int64")
    return out[SCORE_COLUMNS].sort_values(["metric", "scope", "rank", "train_dataset"]).reset_index(drop=True)
