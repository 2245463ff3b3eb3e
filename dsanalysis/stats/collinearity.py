"""Multicollinearity: variance inflation factors and predictor standardization."""

from __future__ import annotations

import numpy as np
import pandas as pd

VIF_COLUMNS = ["predictor", "vif", "note"]


def standardize(data: pd.DataFrame, predictors: list[str]) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """z-scores of ``predictors`` (population mean, sample standard deviation).

    Returns
    -------
    tuple
        (frame with the standardized columns, means, standard deviations); a constant column has
        standard deviation 0 and is returned unscaled (all zeros after centring).
    """
    means = data[predictors].mean()
    sds = data[predictors].std(ddof=1)
    scaled = data.copy()
    for column in predictors:
        sd = sds[column]
        scaled[column] = (data[column] - means[column]) / (sd if sd > 0 else 1.0)
    return scaled, means, sds


def variance_inflation(data: pd.DataFrame, predictors: list[str]) -> pd.DataFrame:
    """Variance inflation factor of each predictor: 1 / (1 - R^2) of it regressed on the others.

    Returns
    -------
    DataFrame
        predictor, vif (1 = uncorrelated with the others; above 5-10 the coefficients are unstable;
        infinite when a predictor is an exact combination of the others), note.
    """
    rows = []
    clean = data[predictors].dropna().to_numpy(float)
    for j, name in enumerate(predictors):
        y = clean[:, j]
        if len(predictors) == 1:
            rows.append({"predictor": name, "vif": 1.0, "note": "single predictor"})
            continue
        if np.ptp(y) == 0:
            rows.append({"predictor": name, "vif": np.inf, "note": "constant predictor"})
            continue
        others = np.column_stack([np.ones(len(y)), np.delete(clean, j, axis=1)])
        coef, *_ = np.linalg.lstsq(others, y, rcond=None)
        residual = y - others @ coef
        r2 = 1.0 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))
        vif = np.inf if r2 >= 1 - 1e-12 else 1.0 / (1.0 - r2)
        note = "exact linear combination of the other predictors" if np.isinf(vif) else ("high: coefficients unstable" if vif > 10 else "")
        rows.append({"predictor": name, "vif": float(vif), "note": note})
    return pd.DataFrame(rows, columns=VIF_COLUMNS)
