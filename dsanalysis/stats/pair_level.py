"""Pair level: cross-dataset score of (train i, test j) regressed on dataset distances and traits.

The N x (N - 1) off-diagonal cells share datasets, so they are not independent observations:
the regression has crossed random intercepts for the training and the evaluated dataset
(statsmodels MixedLM), or, when that cannot be fitted, ordinary least squares with standard errors
clustered two ways (by i and by j). Predictors are standardized, so each coefficient is the change
in score per standard deviation of its predictor; ``predictor_sd`` converts back to raw units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from dsanalysis.stats.collinearity import standardize, variance_inflation
from dsanalysis.stats.mixed import fit_reml
from dsanalysis.stats.multiple import benjamini_hochberg

COLUMNS = ["model", "term", "estimate", "std_error", "ci_low", "ci_high", "p_value", "q_value", "predictor_sd",
           "vif", "method", "n_cells", "n_datasets", "note"]


def pair_design(
    transfer: pd.DataFrame,
    pair_traits: pd.DataFrame | None = None,
    dataset_traits: pd.DataFrame | None = None,
    *,
    value: str = "mean",
) -> pd.DataFrame:
    """One row per off-diagonal (train, eval) cell with its score and candidate predictors.

    Parameters
    ----------
    transfer : DataFrame
        train_dataset, eval_dataset and ``value`` (the cell's score, e.g. mean accuracy over runs).
    pair_traits : DataFrame, optional
        dataset_a, dataset_b, trait, value: distances between datasets; looked up as (train, eval),
        else (eval, train), so symmetric distances may be stored once.
    dataset_traits : DataFrame, optional
        dataset, trait, value: per-dataset traits, entering as ``train:<trait>`` (trait of the
        training dataset) and ``absdiff:<trait>`` (|trait_i - trait_j|).

    Returns
    -------
    DataFrame
        train_dataset, eval_dataset, score, then one column per predictor: ``distance:<trait>``,
        ``absdiff:<trait>``, ``train:<trait>``.
    """
    cells = transfer[transfer["train_dataset"] != transfer["eval_dataset"]][["train_dataset", "eval_dataset", value]]
    design = cells.rename(columns={value: "score"}).reset_index(drop=True)
    if pair_traits is not None and not pair_traits.empty:
        forward = pair_traits[["dataset_a", "dataset_b", "trait", "value"]].assign(direction=0)
        backward = forward.rename(columns={"dataset_a": "dataset_b", "dataset_b": "dataset_a"}).assign(direction=1)
        both_ways = pd.concat([forward, backward], ignore_index=True).sort_values("direction")
        both_ways = both_ways.dropna(subset=["value"]).drop_duplicates(["dataset_a", "dataset_b", "trait"])
        both = both_ways.pivot_table(index=["dataset_a", "dataset_b"], columns="trait", values="value", aggfunc="first")
        both.columns = [f"distance:{c}" for c in both.columns]
        both.index.names = ["train_dataset", "eval_dataset"]
        design = design.merge(both.reset_index(), on=["train_dataset", "eval_dataset"], how="left")
    if dataset_traits is not None and not dataset_traits.empty:
        wide = dataset_traits.pivot_table(index="dataset", columns="trait", values="value", aggfunc="mean")
        train_values = wide.reindex(design["train_dataset"]).to_numpy(float)
        eval_values = wide.reindex(design["eval_dataset"]).to_numpy(float)
        columns = {}
        for k, trait in enumerate(wide.columns):
            columns[f"absdiff:{trait}"] = np.abs(train_values[:, k] - eval_values[:, k])
            columns[f"train:{trait}"] = train_values[:, k]
        design = pd.concat([design, pd.DataFrame(columns, index=design.index)], axis=1)
    return design


def _fit(frame: pd.DataFrame, predictors: list[str], method: str) -> tuple[object, str, list[str]]:
    """Fit score ~ predictors; returns (result, method used, notes)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    notes: list[str] = []
    names = {p: f"x{k}" for k, p in enumerate(predictors)}
    data = frame.rename(columns=names)
    formula = "score ~ " + (" + ".join(names.values()) if names else "1")
    if method in ("auto", "mixed"):
        data = data.assign(_all=1)
        try:
            model = smf.mixedlm(formula, data, groups="_all", re_formula="0",
                                vc_formula={"train": "0 + C(train_dataset)", "eval": "0 + C(eval_dataset)"})
            result, fit_notes = fit_reml(model)
            if np.all(np.isfinite(result.bse_fe)):
                return result, "mixed", notes + fit_notes
            notes.append("the crossed random-effects model gave no standard errors")
        except (np.linalg.LinAlgError, ValueError) as error:
            notes.append(f"the crossed random-effects model failed ({str(error).splitlines()[0]})")
        if method == "mixed":
            return None, "mixed", notes
        notes.append("fell back to least squares with two-way clustered errors")
    groups = np.column_stack([pd.factorize(data["train_dataset"])[0], pd.factorize(data["eval_dataset"])[0]])
    exog = sm.add_constant(data[list(names.values())], has_constant="add")
    result = sm.OLS(data["score"], exog).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return result, "ols_cluster2", notes


def pair_regression(
    design: pd.DataFrame,
    predictors: list[str] | None = None,
    *,
    method: str = "auto",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Regress the cell score on standardized predictors, jointly and one predictor at a time.

    Parameters
    ----------
    design : DataFrame
        from :func:`pair_design`: train_dataset, eval_dataset, score and predictor columns.
    predictors : list of str, optional
        default: every column except train_dataset, eval_dataset and score.
    method : str
        'auto' (crossed random effects, falling back to two-way clustered least squares), 'mixed'
        or 'ols_cluster2'.

    Returns
    -------
    DataFrame
        model ('univariate:<predictor>' for one-at-a-time fits, 'joint' for all predictors
        together, only fitted when there are enough cells), term, estimate (score change per SD of
        the predictor), std_error, ci_low, ci_high, p_value, q_value (Benjamini-Hochberg over the
        univariate fits), predictor_sd (raw-unit SD: raw slope = estimate / predictor_sd), vif
        (joint model only), method ('mixed' or 'ols_cluster2'), n_cells, n_datasets, note.
    """
    if predictors is None:
        predictors = [c for c in design.columns if c not in ("train_dataset", "eval_dataset", "score")]
    n_datasets = len(set(design["train_dataset"]) | set(design["eval_dataset"]))
    rows: list[dict] = []
    empty = {c: np.nan for c in COLUMNS}

    def note_row(model: str, term: str, note: str, n_cells: int) -> None:
        rows.append({**empty, "model": model, "term": term, "method": "", "n_cells": n_cells,
                     "n_datasets": n_datasets, "note": note})

    if n_datasets < 3:
        for p in predictors:
            note_row(f"univariate:{p}", p, f"{n_datasets} datasets ({len(design)} cells): too few for a pair-level "
                     "regression with dataset effects (needs at least 3 datasets)", len(design))
        return pd.DataFrame(rows, columns=COLUMNS)
    usable = []
    for p in predictors:
        column = design[p]
        if column.isna().all():
            note_row(f"univariate:{p}", p, "no cell has this predictor: not estimable", 0)
        elif column.dropna().nunique() < 2:
            note_row(f"univariate:{p}", p, "constant across cells: not estimable", int(column.notna().sum()))
        else:
            usable.append(p)
    z = stats.norm.ppf(0.5 + confidence / 2)

    def add_fit(model: str, subset: pd.DataFrame, terms: list[str], vifs: dict | None) -> None:
        n_cells = len(subset)
        cell_datasets = len(set(subset["train_dataset"]) | set(subset["eval_dataset"]))
        if cell_datasets < 3 or n_cells < len(terms) + 3:
            for term in terms:
                note_row(model, term, f"{cell_datasets} datasets, {n_cells} cells: too few to estimate "
                         f"{len(terms)} slope(s) with dataset effects (needs 3+ datasets and {len(terms) + 3}+ cells)", n_cells)
            return
        scaled, _, sds = standardize(subset, terms)
        result, used, notes = _fit(scaled, terms, method)
        if result is None:
            for term in terms:
                note_row(model, term, "; ".join(notes), n_cells)
            return
        params, bse = np.asarray(result.params, float), np.asarray(result.bse, float)
        pvalues = np.asarray(result.pvalues, float)
        for k, term in enumerate(terms):
            est, se = params[k + 1], bse[k + 1]
            rows.append({"model": model, "term": term, "estimate": est, "std_error": se, "ci_low": est - z * se,
                         "ci_high": est + z * se, "p_value": pvalues[k + 1], "q_value": np.nan,
                         "predictor_sd": float(sds[term]), "vif": (vifs or {}).get(term, np.nan), "method": used,
                         "n_cells": n_cells, "n_datasets": cell_datasets,
                         "note": "; ".join(notes) or ("" if vifs else "vif applies to the joint model only")})

    for p in usable:
        add_fit(f"univariate:{p}", design.dropna(subset=[p]), [p], None)
    if len(usable) > 1:
        complete = design.dropna(subset=usable)
        vif = variance_inflation(complete, usable).set_index("predictor")["vif"].to_dict() if len(complete) > len(usable) else {}
        aliased = [p for p, v in vif.items() if not np.isfinite(v) or v > 1e6]
        if aliased:
            for term in usable:
                note_row("joint", term, f"not identified: {', '.join(aliased)} are exact linear combinations of the "
                         "other predictors; see the univariate fits", len(complete))
        else:
            add_fit("joint", complete, usable, vif)
    out = pd.DataFrame(rows, columns=COLUMNS)
    univariate = out["model"].str.startswith("univariate:")
    out.loc[univariate, "q_value"] = benjamini_hochberg(out.loc[univariate, "p_value"].to_numpy())
    return out
