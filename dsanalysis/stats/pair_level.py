"""Pair level: cross-dataset score of (train i, test j) regressed on dataset distances and traits.

The N x (N - 1) off-diagonal cells share datasets, so they are not independent observations:
the regression has crossed random intercepts for the training and the evaluated dataset
(statsmodels MixedLM), or, when that cannot be fitted, ordinary least squares with standard errors
clustered two ways (by i and by j). Predictors are standardized, so each coefficient is the change
in score per standard deviation of its predictor; ``predictor_sd`` converts back to raw units.

The unit of replication is the dataset, not the cell, so the p-value of record relabels datasets:
every one of the N! orderings for N <= 7 (exact), else random ones. A one-predictor fit is tested
like a Mantel test (the predictor's cell matrix with rows and columns reordered alike, statistic
|Pearson r| over the cells); a term of the joint model by Freedman and Lane's method (the residuals
of the model without the term relabelled, statistic |t| of the term). No p-value can then be below
1/N! (``p_floor``): with 4 datasets 1/24 = 0.042, whatever the number of cells. Model-based Wald
p-values are not reported: with few datasets they reject far more often than their level
(tests/benchmarks/bench_pair_null.py). The interval is the model's Wald interval with the t
quantile on N - 1 degrees of freedom, the usual small-sample rule for few clusters.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from dsanalysis.stats.collinearity import standardize, variance_inflation
from dsanalysis.stats.correlation import permutation_orders
from dsanalysis.stats.mixed import fit_reml
from dsanalysis.stats.multiple import benjamini_hochberg
from dsanalysis.stats import tables

COLUMNS = tables.PAIR_REGRESSION.names
#: relative tolerance under which a permuted statistic counts as tying the observed one
TIE_TOLERANCE = 1e-9


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
            with warnings.catch_warnings():  # a negative variance's sqrt is NaN: the note below says what it means
                warnings.simplefilter("ignore", RuntimeWarning)
                standard_errors = np.asarray(result.bse_fe, dtype=float)
            if np.all(np.isfinite(standard_errors)):
                return result, "mixed", notes + fit_notes
            notes.append("the crossed random-effects model gave no standard errors (a negative variance in its "
                         "covariance of the effects: the fit sits at a boundary)")
        except (np.linalg.LinAlgError, ValueError) as error:
            notes.append(f"the crossed random-effects model failed ({str(error).splitlines()[0]})")
        if method == "mixed":
            return None, "mixed", notes
        notes.append("fell back to least squares with two-way clustered errors")
    groups = np.column_stack([pd.factorize(data["train_dataset"])[0], pd.factorize(data["eval_dataset"])[0]])
    exog = sm.add_constant(data[list(names.values())], has_constant="add")
    result = sm.OLS(data["score"], exog).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return result, "ols_cluster2", notes


def attainable_floor(n_datasets: int, n_orders: int, exact: bool) -> float:
    """Smallest p-value a dataset-permutation test can give: 1/N! when all N! orderings are enumerated,
    else 1/(orderings + 1) (and never below 1/N!)."""
    smallest = 1.0 / math.factorial(n_datasets)
    return smallest if exact else max(smallest, 1.0 / (n_orders + 1))


def permutation_p_value(null: np.ndarray, observed: float, exact: bool) -> float:
    """Share of orderings whose non-negative statistic reaches ``observed`` (ties within :data:`TIE_TOLERANCE`).

    Exact enumerations include the identity, so the share itself is the p-value; random orderings
    give ``(1 + hits) / (1 + orderings)``. NaN statistics (a permuted column that became constant) never count.
    """
    if not np.isfinite(observed):
        return float("nan")
    hits = int(np.sum(null >= observed * (1.0 - TIE_TOLERANCE)))
    return hits / len(null) if exact else (1 + hits) / (1 + len(null))


def _cell_positions(frame: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(datasets of the cells, row index and column index of each cell in their N x N matrix)."""
    datasets = sorted(set(frame["train_dataset"]) | set(frame["eval_dataset"]))
    position = {d: i for i, d in enumerate(datasets)}
    return datasets, frame["train_dataset"].map(position).to_numpy(), frame["eval_dataset"].map(position).to_numpy()


def _cell_matrix(values: np.ndarray, rows: np.ndarray, columns: np.ndarray, n: int) -> np.ndarray:
    """N x N matrix with ``values`` at (rows, columns) and NaN elsewhere."""
    matrix = np.full((n, n), np.nan)
    matrix[rows, columns] = values
    return matrix


def _masked_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r of each row of ``x`` (b, m) with ``y`` (m,) over the cells where the row is not NaN."""
    keep = ~np.isnan(x)
    n = keep.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        x_mean = np.where(keep, x, 0.0).sum(axis=1) / n
        y_mean = np.where(keep, y, 0.0).sum(axis=1) / n
        dx = np.where(keep, x - x_mean[:, None], 0.0)
        dy = np.where(keep, y - y_mean[:, None], 0.0)
        r = (dx * dy).sum(axis=1) / np.sqrt((dx * dx).sum(axis=1) * (dy * dy).sum(axis=1))
    return np.where(n >= 3, np.clip(r, -1.0, 1.0), np.nan)


def relabelled_predictor_p(frame: pd.DataFrame, term: str, orders: np.ndarray, exact: bool) -> float:
    """Dataset-permutation p-value of one predictor (a Mantel test on the cells).

    The predictor's cell matrix is relabelled by each ordering (rows and columns alike: cell (i, j)
    takes the value of (order[i], order[j]); a trait of the training dataset moves with its dataset)
    and correlated with the scores over the cells where both are present; the statistic is |r|.
    """
    datasets, rows, columns = _cell_positions(frame)
    x = _cell_matrix(frame[term].to_numpy(float), rows, columns, len(datasets))
    y = frame["score"].to_numpy(float)
    observed = abs(_masked_pearson(x[rows, columns][None, :], y)[0])
    null = np.abs(_masked_pearson(x[orders[:, rows], orders[:, columns]], y))
    return permutation_p_value(null, observed, exact)


def _t_statistics(design: np.ndarray, responses: np.ndarray, column: int) -> np.ndarray:
    """|t| of ``column``'s least-squares coefficient for each row of ``responses`` (b, m) on ``design`` (m, q)."""
    inverse = np.linalg.pinv(design.T @ design)
    coefficients = responses @ design @ inverse.T
    residuals = responses - coefficients @ design.T
    variance = (residuals * residuals).sum(axis=1) / (design.shape[0] - design.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.abs(coefficients[:, column] / np.sqrt(variance * inverse[column, column]))


def freedman_lane_p(frame: pd.DataFrame, terms: list[str], orders: np.ndarray, exact: bool) -> dict[str, float] | None:
    """Dataset-permutation p-value of each term of a joint least-squares fit (Freedman and Lane).

    For each term the scores are fitted without it; the residual matrix is relabelled by each
    ordering (rows and columns alike) and added back to the fitted values, and the statistic is the
    |t| of the term in the full fit. Needs every off-diagonal cell of the datasets involved (a
    relabelled residual must exist for every cell); returns None when some are missing.
    """
    datasets, rows, columns = _cell_positions(frame)
    n = len(datasets)
    if len(frame) != n * (n - 1) or (rows == columns).any():
        return None
    y = frame["score"].to_numpy(float)
    design = np.column_stack([np.ones(len(frame)), frame[terms].to_numpy(float)])
    out = {}
    for k, term in enumerate(terms):
        reduced = np.delete(design, k + 1, axis=1)
        fitted = reduced @ np.linalg.lstsq(reduced, y, rcond=None)[0]
        residual = _cell_matrix(y - fitted, rows, columns, n)
        responses = fitted[None, :] + residual[orders[:, rows], orders[:, columns]]
        observed = _t_statistics(design, y[None, :], k + 1)[0]
        out[term] = permutation_p_value(_t_statistics(design, responses, k + 1), observed, exact)
    return out


def _floor_note(p_value: float, floor: float, n_datasets: int, n_orders: int, exact: bool) -> str:
    """A note for a p-value at the smallest value the permutation allows; empty otherwise."""
    if not np.isfinite(p_value) or p_value > floor * (1 + 1e-9):
        return ""
    if exact:
        return (f"p = 1/{math.factorial(n_datasets)} = {floor:.2g} is the smallest p-value {n_datasets} datasets allow "
                "(no ordering of them fits the scores better)")
    return f"p = {floor:.2g} is the smallest p-value {n_orders} random orderings of {n_datasets} datasets allow"


def pair_regression(
    design: pd.DataFrame,
    predictors: list[str] | None = None,
    *,
    method: str = "auto",
    confidence: float = 0.95,
    n_perm: int = 5000,
    seed: int = 0,
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
    n_perm : int
        random orderings of the datasets when there are more than 7 (all N! orderings otherwise).
    seed : int
        seeds the random orderings.

    Returns
    -------
    DataFrame
        model ('univariate:<predictor>' for one-at-a-time fits, 'joint' for all predictors
        together, only fitted when there are enough cells), term, estimate (score change per SD of
        the predictor), std_error, ci_low, ci_high (estimate -/+ the t quantile on n_datasets - 1
        degrees of freedom times std_error), p_value (dataset-permutation p, the one of record: see
        the module docstring), p_floor (smallest p_value the orderings allow: 1/n_datasets! when
        exact), q_value (Benjamini-Hochberg over the univariate p_values), predictor_sd (raw-unit SD:
        raw slope = estimate / predictor_sd), vif (joint model only), method ('mixed' or
        'ols_cluster2'), n_cells, n_datasets, n_permutations (orderings behind p_value), note.
    """
    if method not in ("auto", "mixed", "ols_cluster2"):
        raise ValueError(f"unknown method {method!r}; use auto, mixed or ols_cluster2")
    if n_perm < 1:
        raise ValueError(f"n_perm must be at least 1, not {n_perm}")
    if predictors is None:
        predictors = [c for c in design.columns if c not in ("train_dataset", "eval_dataset", "score")]
    design = design.dropna(subset=["score"])
    n_datasets = len(set(design["train_dataset"]) | set(design["eval_dataset"]))
    rows: list[dict] = []
    empty = {c: np.nan for c in COLUMNS}
    rng = np.random.default_rng(seed)
    orderings: dict[int, tuple[np.ndarray, bool]] = {}  # one set of orderings per number of datasets

    def orders_for(n: int) -> tuple[np.ndarray, bool]:
        if n not in orderings:
            orderings[n] = permutation_orders(n, n_perm, rng)
        return orderings[n]

    def note_row(model: str, term: str, note: str, n_cells: int) -> None:
        rows.append({**empty, "model": model, "term": term, "method": "", "n_cells": n_cells,
                     "n_datasets": n_datasets, "n_permutations": 0, "note": note})

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
        orders, exact = orders_for(cell_datasets)
        floor = attainable_floor(cell_datasets, len(orders), exact)
        if vifs is None:
            p_values = {terms[0]: relabelled_predictor_p(scaled, terms[0], orders, exact)}
        else:
            p_values = freedman_lane_p(scaled, terms, orders, exact)
            if p_values is None:
                notes.append("no p-value: relabelling the datasets of the joint model needs every train/test cell of "
                             "its datasets (see the univariate fits)")
                p_values = {}
        half_width = stats.t.ppf(0.5 + confidence / 2, cell_datasets - 1)
        with np.errstate(invalid="ignore"):  # two-way clustered variances can come out negative with few datasets
            params, bse = np.asarray(result.params, float), np.asarray(result.bse, float)
        for k, term in enumerate(terms):
            est, se = params[k + 1], bse[k + 1]
            p = p_values.get(term, np.nan)
            row_notes = [*notes, _floor_note(p, floor, cell_datasets, len(orders), exact)]
            if not np.isfinite(p) and term in p_values:
                row_notes.append("no p-value: the scores do not vary over these cells")
            if not np.isfinite(se):
                row_notes.append("the model gave no standard error: no interval")
            if vifs is None:
                row_notes.append("vif applies to the joint model only")
            rows.append({"model": model, "term": term, "estimate": est, "std_error": se,
                         "ci_low": est - half_width * se, "ci_high": est + half_width * se, "p_value": p, "p_floor": floor if np.isfinite(p) else np.nan,
                         "q_value": np.nan, "predictor_sd": float(sds[term]), "vif": (vifs or {}).get(term, np.nan),
                         "method": used, "n_cells": n_cells, "n_datasets": cell_datasets,
                         "n_permutations": len(orders) if np.isfinite(p) else 0,
                         "note": "; ".join(n for n in row_notes if n)})

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


def permutation_statement(results: pd.DataFrame) -> str:
    """One sentence on how the pair-level p-values of ``results`` (from :func:`pair_regression`) were
    obtained and how low they can go; empty when none was computed."""
    tested = results[results["p_value"].notna()]
    if tested.empty:
        return ""
    n = int(tested["n_datasets"].max())
    widest = tested[tested["n_datasets"] == n]
    floor, orders = float(widest["p_floor"].min()), int(widest["n_permutations"].max())
    exact = orders == math.factorial(n)
    how = f"all {orders} orderings of {n} datasets" if exact else f"{orders} random orderings of {n} datasets"
    floor_text = f"1/{orders} = {floor:.2g}" if exact else f"{floor:.2g}"
    at_floor = int((tested["p_value"] <= tested["p_floor"] * (1 + 1e-9)).sum())
    return (f"p-values relabel the datasets ({how}): the dataset is the unit that is replicated, not the "
            f"{int(tested['n_cells'].max())} cells, so none can be below {floor_text} however many cells or predictors "
            f"there are; {at_floor} of {len(tested)} tests are at that floor. Model-based (Wald) p-values are not "
            "reported: with few datasets they reject far more often than their level")
