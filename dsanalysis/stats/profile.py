"""Profile of the top-ranking datasets: how their traits differ from the bottom-ranking ones."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsanalysis.stats import tables

COLUMNS = tables.PROFILE.names


def top_bottom_profile(
    traits: pd.DataFrame,
    ranking: pd.DataFrame,
    *,
    unit: str = "dataset",
    trait: str = "trait",
    value: str = "value",
    score: str = "estimate",
    n_top: int | None = None,
) -> pd.DataFrame:
    """Contrast the traits of the best and the worst datasets of a ranking.

    Parameters
    ----------
    traits : DataFrame
        one row per (unit, trait) with ``value``.
    ranking : DataFrame
        one row per unit with ``score`` (higher = better).
    n_top : int, optional
        how many units form each end; default half of the ranked units (rounded down, at least 1).

    Returns
    -------
    DataFrame
        trait, n_top, n_bottom, mean_top, mean_bottom, difference (top - bottom), trait_sd (standard
        deviation over all ranked units), standardized_difference (difference / trait_sd; NaN with a
        note when the trait is constant or has one unit), top_datasets, bottom_datasets
        (comma-separated), note. Sorted by the absolute standardized difference.
    """
    ranked = ranking[[unit, score]].dropna().sort_values([score, unit], ascending=[False, True])
    n = len(ranked)
    k = max(1, n // 2) if n_top is None else int(n_top)
    top = list(ranked[unit].iloc[:k])
    bottom = list(ranked[unit].iloc[max(k, n - k):]) if n > 1 else []
    rows = []
    wide = traits.pivot_table(index=unit, columns=trait, values=value, aggfunc="mean")
    for name in wide.columns:
        column = wide[name]
        t, b = column.reindex(top).dropna(), column.reindex(bottom).dropna()
        everyone = column.reindex(ranked[unit]).dropna()
        sd = float(everyone.std(ddof=1)) if len(everyone) > 1 else np.nan
        notes = []
        if len(t) == 0 or len(b) == 0:
            notes.append("the trait is missing for every top or every bottom dataset")
        difference = float(t.mean() - b.mean()) if len(t) and len(b) else np.nan
        if len(everyone) < 2:
            notes.append("fewer than 2 ranked datasets have this trait: no spread to standardize by")
        elif sd == 0:
            notes.append("constant across datasets")
        standardized = difference / sd if sd and not np.isnan(sd) and not np.isnan(difference) else np.nan
        if n < 6:
            notes.append(f"{n} ranked datasets: a descriptive contrast, not evidence")
        rows.append({"trait": name, "n_top": len(t), "n_bottom": len(b), "mean_top": float(t.mean()) if len(t) else np.nan,
                     "mean_bottom": float(b.mean()) if len(b) else np.nan, "difference": difference, "trait_sd": sd,
                     "standardized_difference": standardized, "top_datasets": ", ".join(map(str, top)),
                     "bottom_datasets": ", ".join(map(str, bottom)), "note": "; ".join(notes)})
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.iloc[np.argsort(-out["standardized_difference"].abs().fillna(-1).to_numpy(), kind="stable")].reset_index(drop=True)
