"""Image level: which image descriptors make a test image hard (GEE logistic regression).

Each row is one image scored by one run. Correctness is regressed on standardized image
descriptors with generalized estimating equations (binomial family, logit link, exchangeable
working correlation), clustering the repeated scorings of the same image (or the same group:
video, identity) so that a dozen runs scoring one image do not count as a dozen independent facts.
Fixed effects for run and evaluated dataset absorb differences in overall accuracy, so the odds
ratios compare images within the same run and dataset.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from dsanalysis.stats.collinearity import standardize, variance_inflation
from dsanalysis.stats import tables

COLUMNS = tables.IMAGE_ODDS_RATIOS.names


def image_odds_ratios(
    data: pd.DataFrame,
    outcome: str,
    predictors: list[str],
    cluster: str,
    *,
    fixed: tuple[str, ...] = ("run_id", "eval_dataset"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Odds ratio of a correct call per standard deviation of each image descriptor.

    Parameters
    ----------
    data : DataFrame
        one row per (run, image): ``outcome`` (1 = correct, 0 = wrong), descriptor columns,
        the ``cluster`` column and the ``fixed`` columns.
    outcome : str
        0/1 column.
    predictors : list of str
        numeric descriptors; standardized before fitting.
    cluster : str
        the GEE grouping (image or group id).
    fixed : tuple of str
        categorical columns entered as fixed effects (those with one level are skipped).

    Returns
    -------
    DataFrame
        term, odds_ratio (per SD; below 1 = images higher on the descriptor are called wrong more
        often), ci_low, ci_high, coefficient (log odds ratio), std_error (robust), p_value,
        predictor_sd, vif, n_rows, n_clusters, note.
    """
    import statsmodels.api as sm

    for column in [outcome, cluster, *predictors, *fixed]:
        if column not in data.columns:
            raise ValueError(f"column {column!r} is not in the data")
    empty = dict.fromkeys(COLUMNS, np.nan)
    rows: list[dict] = []
    usable = []
    for p in predictors:
        values = pd.to_numeric(data[p], errors="coerce")
        if values.notna().sum() == 0:
            rows.append({**empty, "term": p, "n_rows": 0, "n_clusters": 0, "note": "no image has this descriptor"})
        elif values.dropna().nunique() < 2:
            rows.append({**empty, "term": p, "n_rows": int(values.notna().sum()), "n_clusters": 0,
                         "note": "constant across images: not estimable"})
        else:
            usable.append(p)
    if not usable:
        return pd.DataFrame(rows, columns=COLUMNS)
    frame = data[[outcome, cluster, *usable, *fixed]].copy()
    frame[usable] = frame[usable].apply(pd.to_numeric, errors="coerce")
    before = len(frame)
    frame = frame.dropna(subset=[outcome, *usable])
    dropped = before - len(frame)
    y = frame[outcome].astype(float).to_numpy()
    n_clusters = frame[cluster].nunique()
    base_note = f"{dropped} rows without every descriptor left out" if dropped else ""
    if y.min() == y.max():
        for p in usable:
            rows.append({**empty, "term": p, "n_rows": len(frame), "n_clusters": n_clusters,
                         "note": "every call is " + ("correct" if y[0] == 1 else "wrong") + ": no odds ratio"})
        return pd.DataFrame(rows, columns=COLUMNS)
    scaled, _, sds = standardize(frame, usable)
    parts = [scaled[usable].astype(float)]
    for column in fixed:
        if frame[column].nunique() > 1:
            parts.append(pd.get_dummies(frame[column].astype(str), prefix=column, drop_first=True, dtype=float))
    exog = sm.add_constant(pd.concat(parts, axis=1), has_constant="add")
    groups = pd.factorize(frame[cluster])[0]
    notes = [base_note] if base_note else []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.GEE(y, exog, groups=groups, family=sm.families.Binomial(), cov_struct=sm.cov_struct.Exchangeable())
        result = model.fit(maxiter=100)
        params, bse, pvalues = result.params, result.bse, result.pvalues  # bse may warn (robust covariance)
    for warning in caught:
        text = str(warning.message).splitlines()[0]
        if "converge" in text.lower() or "separation" in text.lower() or "singular" in text.lower():
            notes.append(text)
        elif "invalid value" in text.lower():
            notes.append("the robust covariance is not positive definite: some standard errors are undefined")
    vif = variance_inflation(scaled, usable).set_index("predictor")["vif"].to_dict() if len(usable) > 1 else {p: 1.0 for p in usable}
    z = stats.norm.ppf(0.5 + confidence / 2)
    for p in usable:
        coef, se = float(params[p]), float(bse[p])
        rows.append({"term": p, "odds_ratio": float(np.exp(coef)), "ci_low": float(np.exp(coef - z * se)),
                     "ci_high": float(np.exp(coef + z * se)), "coefficient": coef, "std_error": se,
                     "p_value": float(pvalues[p]), "predictor_sd": float(sds[p]), "vif": float(vif[p]),
                     "n_rows": len(frame), "n_clusters": n_clusters,
                     "note": "; ".join(dict.fromkeys(notes + (["fewer than 20 clusters: robust errors are optimistic"] if n_clusters < 20 else [])
                                                     + ([f"VIF {vif[p]:.3g}: collinear with other descriptors, odds ratio unstable"] if vif[p] > 10 else [])))})
    return pd.DataFrame(rows, columns=COLUMNS)
