"""Runs that did not learn: how many per training dataset, and whether the ranking changes without them.

A run learned when its validation data say so (:mod:`dsanalysis.model.learning`: 'true', 'false' or
'unknown'; runs trained before the check count as 'unknown'). The ranking keeps every run: a dataset
on which training often fails is worse to train on, and that is a finding. This module adds the
sensitivity analysis beside it: the same point scores from the runs that learned only, their ranks,
and one line per metric saying whether the order of the training datasets changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsanalysis.stats.ranking import dataset_scores
from dsanalysis.stats import tables

LEARNED_COLUMNS = ["train_dataset", "n_runs", "n_learned", "n_not_learned", "n_learned_unknown"]
SENSITIVITY_COLUMNS = tables.LEARNED_SENSITIVITY.names


def learned_counts(runs: pd.DataFrame, learned: str = "learned") -> pd.DataFrame:
    """How many runs of each training dataset learned.

    Parameters
    ----------
    runs : DataFrame
        one row per run with columns train_dataset and ``learned`` ('true', 'false', 'unknown' or missing).

    Returns
    -------
    DataFrame with columns train_dataset, n_runs, n_learned ('true'), n_not_learned ('false'),
    n_learned_unknown (the rest).
    """
    for column in ("train_dataset", learned):
        if column not in runs.columns:
            raise ValueError(f"column {column!r} is not in the runs table")
    verdict = runs[learned].fillna("unknown")
    frame = pd.DataFrame({"train_dataset": runs["train_dataset"], "true": verdict.eq("true"), "false": verdict.eq("false")})
    out = frame.groupby("train_dataset", sort=True).agg(n_runs=("true", "size"), n_learned=("true", "sum"),
                                                        n_not_learned=("false", "sum")).reset_index()
    out["n_learned_unknown"] = out["n_runs"] - out["n_learned"] - out["n_not_learned"]
    return out[LEARNED_COLUMNS].astype({c: "int64" for c in LEARNED_COLUMNS[1:]})


def _ranks(scores: pd.DataFrame) -> pd.DataFrame:
    return scores[["metric", "scope", "train_dataset", "estimate", "rank"]]


def learned_only_ranking(cells: pd.DataFrame, runs: pd.DataFrame, *, metrics: tuple[str, ...] = ("accuracy", "auc"),
                         learned: str = "learned") -> tuple[pd.DataFrame, list[str]]:
    """The ranking's point scores from every run beside those from the runs that learned only.

    Parameters
    ----------
    cells : DataFrame
        run_id, train_dataset, config_name, seed, eval_dataset, metric, value (:func:`ranking.cell_scores`).
    runs : DataFrame
        run_id, train_dataset and ``learned``.

    Returns
    -------
    tuple
        (DataFrame with columns metric, scope, train_dataset, estimate_all, rank_all, estimate_learned
        (NaN when none of its runs learned), rank_learned, n_runs, n_learned; one line per metric and
        scope saying whether the order of the training datasets changes, or why there is nothing to compare).
    """
    for column in ("run_id", "train_dataset", learned):
        if column not in runs.columns:
            raise ValueError(f"column {column!r} is not in the runs table")
    counts = learned_counts(runs, learned)
    if cells.empty:
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS), []
    verdict = runs.set_index("run_id")[learned].fillna("unknown")
    if verdict.eq("unknown").all():
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS), [
            "no run has a learning verdict (validation part too small, or trained before the check): "
            "no learned-runs-only ranking"]
    every = _ranks(dataset_scores(cells, None, metrics=metrics, n_boot=1))
    kept = cells[cells["run_id"].map(verdict).eq("true")]
    only = _ranks(dataset_scores(kept, None, metrics=metrics, n_boot=1)) if not kept.empty else every.iloc[0:0]
    merged = every.merge(only, on=["metric", "scope", "train_dataset"], how="left", suffixes=("_all", "_learned"))
    merged = merged.merge(counts[["train_dataset", "n_runs", "n_learned"]], on="train_dataset", how="left")
    lines = []
    total, learned_runs = int(counts["n_runs"].sum()), int(counts["n_learned"].sum())
    for (metric, scope), part in merged.groupby(["metric", "scope"], sort=True):
        before = " > ".join(part.sort_values(["rank_all", "train_dataset"])["train_dataset"])
        present = part.dropna(subset=["estimate_learned"]).sort_values(["rank_learned", "train_dataset"])
        after = " > ".join(present["train_dataset"])
        missing = sorted(set(part["train_dataset"]) - set(present["train_dataset"]))
        lost = f" ({', '.join(missing)}: no run learned)" if missing else ""
        if learned_runs == total:
            lines.append(f"{scope} {metric}: every run learned, so the ranking is the learned-runs-only ranking")
        elif before == after and not missing:
            lines.append(f"{scope} {metric}: with only the {learned_runs} of {total} runs that learned, the order is "
                         f"unchanged ({before})")
        elif " > ".join(d for d in before.split(" > ") if d not in missing) == after:
            lines.append(f"{scope} {metric}: with only the {learned_runs} of {total} runs that learned, the others keep "
                         f"their order ({after}){lost}")
        else:
            lines.append(f"{scope} {metric}: with only the {learned_runs} of {total} runs that learned, the order "
                         f"changes: all runs {before}; learned runs {after or 'none'}{lost}")
    out = merged[SENSITIVITY_COLUMNS].copy()
    out["rank_all"] = out["rank_all"].astype(float)
    out["rank_learned"] = out["rank_learned"].astype(float)  # NaN where no run of the dataset learned
    out["n_learned"] = out["n_learned"].fillna(0).astype(np.int64)
    return out.reset_index(drop=True), lines
